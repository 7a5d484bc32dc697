export { scrubSecrets, secretsOfUrl, urlWithoutCredentials } from './url-redaction';
