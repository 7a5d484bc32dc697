export { buildAsyncApiDocument, type AsyncApiDocument } from './asyncapi-document';
export type { AsyncApiBroker, AsyncApiInput } from './asyncapi-input';
