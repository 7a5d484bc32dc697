import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';
import { parse as parseYaml } from 'yaml';
import { BrokerEntry } from './broker-entry';

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]{0,127})\}/g;

/**
 * Replaces `${VAR}` in every string of the file with the environment variable, so secrets can
 * stay in Kubernetes Secrets while the file lives in a ConfigMap.
 */
function interpolate(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: string,
  problems: string[],
): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (_match, name: string) => {
      const replacement = env[name];
      if (replacement === undefined) {
        problems.push(`BROKERS_FILE ${path}: environment variable ${name} is not set`);
        return '';
      }
      return replacement;
    });
  }
  if (Array.isArray(value))
    return value.map((v, i) => interpolate(v, env, `${path}[${i}]`, problems));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        interpolate(v, env, path ? `${path}.${k}` : k, problems),
      ]),
    );
  }
  return value;
}

function flatten(errors: ValidationError[], prefix: string, out: string[]): void {
  for (const error of errors) {
    const path = `${prefix}.${error.property}`;
    for (const message of Object.values(error.constraints ?? {})) {
      // Nest-style messages start with the property name; avoid saying it twice.
      out.push(`BROKERS_FILE ${path}: ${message.replace(/^property \S+ /, '')}`);
    }
    if (error.children?.length) flatten(error.children, path, out);
  }
}

/** Reads and validates BROKERS_FILE (YAML or JSON: a list, or `{brokers: [...]}`). */
export function readBrokersFile(
  path: string,
  env: NodeJS.ProcessEnv,
): { entries: BrokerEntry[]; problems: string[] } {
  const problems: string[] = [];
  let document: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both.
    document = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { entries: [], problems: [`BROKERS_FILE: cannot parse ${path}: ${reason}`] };
  }
  const list =
    document !== null && typeof document === 'object' && !Array.isArray(document)
      ? (document as { brokers?: unknown }).brokers
      : document;
  if (!Array.isArray(list) || list.length === 0) {
    return {
      entries: [],
      problems: ['BROKERS_FILE: expected a non-empty list of brokers (or {brokers: [...]})'],
    };
  }
  const entries: BrokerEntry[] = [];
  list.forEach((raw, i) => {
    const where = `brokers[${i}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(`BROKERS_FILE ${where}: expected an object`);
      return;
    }
    const entry = plainToInstance(BrokerEntry, interpolate(raw, env, where, problems));
    const errors = validateSync(entry, { whitelist: true, forbidNonWhitelisted: true });
    flatten(errors, where, problems);
    entries.push(entry);
  });
  const seen = new Set<string>();
  for (const entry of entries) {
    if (typeof entry.id !== 'string') continue;
    if (seen.has(entry.id))
      problems.push(`BROKERS_FILE: broker id "${entry.id}" is used more than once`);
    seen.add(entry.id);
  }
  return { entries, problems };
}
