import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The environment variables the bridge's configuration knows: the properties of the
 * `Environment` class in libs/config/src/environment.ts (what start-up validates), plus
 * POD_NAME, which load-config.ts reads as the instance id.
 */
export function configEnvironmentNames(repositoryRoot: string): Set<string> {
  const source = readFileSync(join(repositoryRoot, 'libs/config/src/environment.ts'), 'utf8');
  const body = source.slice(source.indexOf('export class Environment'));
  const names = [...body.matchAll(/\b([A-Z][A-Z0-9_]+)[!?]:/g)].map((match) => match[1]);
  return new Set([...names, 'POD_NAME']);
}
