import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type KubeObject, objectId } from './kustomize-lite';

/** The kubectl on PATH, if any (a fresh machine usually has none). */
export function findKubectl(): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(directory, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export function kubectlKustomize(kubectl: string, directory: string): KubeObject[] {
  const output = execFileSync(kubectl, ['kustomize', directory], { encoding: 'utf8' });
  return parseAllDocuments(output)
    .map((document) => document.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);
}

/**
 * Objects keyed and ordered by identity: kustomize emits them in its own kind order, which
 * `kubectl apply` does not depend on for these kinds, so only the objects themselves compare.
 */
export function byIdentity(objects: KubeObject[]): [string, KubeObject][] {
  return objects
    .map((object): [string, KubeObject] => [objectId(object), object])
    .sort(([a], [b]) => a.localeCompare(b));
}
