import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { applyJsonPatch, type PatchOperation } from './json-patch';

/**
 * A kustomize renderer for exactly the features deploy/kubernetes uses: `resources` (files and
 * kustomization directories), `components`, and `patches` holding JSON 6902 operations with a
 * target of group/version/kind/name. Anything else is an error rather than a guess, so a manifest
 * change that needs more of kustomize fails here instead of rendering differently. Where kubectl
 * is installed, the manifest test checks this renderer against `kubectl kustomize`.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

interface Kustomization {
  apiVersion: string;
  kind: 'Kustomization' | 'Component';
  resources?: string[];
  components?: string[];
  patches?: Patch[];
}

interface Patch {
  path?: string;
  target?: PatchTarget;
}

interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
}

const API_VERSIONS = {
  Kustomization: 'kustomize.config.k8s.io/v1beta1',
  Component: 'kustomize.config.k8s.io/v1alpha1',
};
const KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'components', 'patches']);
const PATCH_FIELDS = new Set(['path', 'target']);
const TARGET_FIELDS = new Set(['group', 'version', 'kind', 'name']);

export function renderKustomization(directory: string): KubeObject[] {
  return build(resolve(directory), 'Kustomization', []);
}

/** kustomize's resource identity: group, kind, namespace and name (not the version). */
export function objectId(object: KubeObject): string {
  const { group } = splitApiVersion(object.apiVersion);
  const { namespace = '', name } = object.metadata;
  return `${group}/${object.kind}/${namespace}/${name}`;
}

/**
 * A Kustomization starts from nothing; a Component works on what its parent has accumulated
 * (its resources are added to it, its patches apply to all of it), as in kustomize.
 */
function build(directory: string, kind: Kustomization['kind'], inherited: KubeObject[]) {
  const kustomization = readKustomization(directory, kind);
  let objects = [...inherited];
  for (const entry of kustomization.resources ?? []) {
    objects = addUnique(objects, loadResource(directory, entry));
  }
  for (const entry of kustomization.components ?? []) {
    objects = build(resolve(directory, entry), 'Component', objects);
  }
  for (const patch of kustomization.patches ?? []) {
    objects = applyPatch(objects, patch, directory);
  }
  return objects;
}

function readKustomization(directory: string, kind: Kustomization['kind']): Kustomization {
  const file = join(directory, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`kustomize-lite: no kustomization.yaml in ${directory}`);
  const kustomization = parseYaml(file)[0] as Kustomization;
  const unsupported = Object.keys(kustomization).filter((key) => !KUSTOMIZATION_FIELDS.has(key));
  if (unsupported.length > 0) {
    throw new Error(`kustomize-lite does not implement ${unsupported.join(', ')} (${file})`);
  }
  if (kustomization.kind !== kind || kustomization.apiVersion !== API_VERSIONS[kind]) {
    throw new Error(`kustomize-lite: ${file} must be a ${API_VERSIONS[kind]} ${kind}`);
  }
  return kustomization;
}

function loadResource(directory: string, entry: string): KubeObject[] {
  const path = resolve(directory, entry);
  if (statSync(path).isDirectory()) return build(path, 'Kustomization', []);
  return parseYaml(fileInside(directory, entry)).map((document) => asKubeObject(document, path));
}

function applyPatch(objects: KubeObject[], patch: Patch, directory: string): KubeObject[] {
  const unsupported = Object.keys(patch).filter((key) => !PATCH_FIELDS.has(key));
  const targetKeys = Object.keys(patch.target ?? {}).filter((key) => !TARGET_FIELDS.has(key));
  if (unsupported.length + targetKeys.length > 0 || !patch.target || !patch.path) {
    throw new Error(`kustomize-lite implements only JSON 6902 patch files with a kind/name target`);
  }
  const operations = parseYaml(fileInside(directory, patch.path))[0];
  if (!Array.isArray(operations)) {
    throw new Error(`kustomize-lite does not implement strategic-merge patches (${directory})`);
  }
  const target = patch.target;
  let matched = 0;
  const patched = objects.map((object) => {
    if (!matches(object, target)) return object;
    matched++;
    return applyJsonPatch(object, operations as PatchOperation[]);
  });
  // Stricter than kustomize, which ignores such a patch: a renamed resource must not silently
  // lose its overlay.
  if (matched === 0) {
    throw new Error(`kustomize-lite: no resource matches ${JSON.stringify(target)}`);
  }
  return patched;
}

function matches(object: KubeObject, target: PatchTarget): boolean {
  const { group, version } = splitApiVersion(object.apiVersion);
  return (
    (target.group === undefined || target.group === group) &&
    (target.version === undefined || target.version === version) &&
    (target.kind === undefined || target.kind === object.kind) &&
    (target.name === undefined || target.name === object.metadata.name)
  );
}

function addUnique(objects: KubeObject[], added: KubeObject[]): KubeObject[] {
  const ids = new Set(objects.map(objectId));
  for (const object of added) {
    const id = objectId(object);
    if (ids.has(id)) throw new Error(`kustomize-lite: ${id} is defined twice`);
    ids.add(id);
  }
  return [...objects, ...added];
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** kustomize's load restrictor: files (not kustomization directories) stay inside the root. */
function fileInside(directory: string, entry: string): string {
  const path = resolve(directory, entry);
  if (relative(directory, path).startsWith('..')) {
    throw new Error(`kustomize-lite: ${entry} is outside ${directory}`);
  }
  return path;
}

function parseYaml(file: string): unknown[] {
  const values: unknown[] = [];
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0].message}`);
    const value: unknown = document.toJS();
    if (value !== null) values.push(value);
  }
  return values;
}

function asKubeObject(value: unknown, file: string): KubeObject {
  const document = (value ?? {}) as Record<string, unknown>;
  const metadata = document.metadata as { name?: unknown } | undefined;
  if (
    typeof document.apiVersion !== 'string' ||
    typeof document.kind !== 'string' ||
    typeof metadata?.name !== 'string'
  ) {
    throw new Error(`${file}: every document needs apiVersion, kind and metadata.name`);
  }
  return document as KubeObject;
}
