/**
 * The part of JSON Patch (RFC 6902) that kustomize overlays use: `add`, `replace`, `remove`.
 * Strict like kustomize: a path that does not exist where the operation needs it is an error,
 * never a silent no-op.
 */
export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

type Container = Record<string, unknown> | unknown[];

export function applyJsonPatch<T>(document: T, operations: readonly PatchOperation[]): T {
  const result = structuredClone(document);
  for (const operation of operations) applyOperation(result, operation);
  return result;
}

function applyOperation(document: unknown, operation: PatchOperation): void {
  const tokens = parsePointer(operation.path);
  const last = tokens.pop();
  if (last === undefined) throw new Error(`JSON patch ${operation.op} on the whole document`);
  const parent = resolve(document, tokens, operation.path);
  switch (operation.op) {
    case 'add':
      return add(parent, last, clone(operation), operation.path);
    case 'replace':
      requireMember(parent, last, operation.path);
      return set(parent, last, clone(operation));
    case 'remove':
      requireMember(parent, last, operation.path);
      if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, operation.path), 1);
      else delete parent[last];
      return;
    default:
      throw new Error(`JSON patch op "${operation.op}" is not implemented (${operation.path})`);
  }
}

function clone(operation: PatchOperation): unknown {
  if (!('value' in operation)) throw new Error(`JSON patch ${operation.op} without a value`);
  return structuredClone(operation.value);
}

function add(parent: Container, token: string, value: unknown, path: string): void {
  if (!Array.isArray(parent)) {
    parent[token] = value;
    return;
  }
  const index = token === '-' ? parent.length : Number(token);
  if (!Number.isInteger(index) || index < 0 || index > parent.length) {
    throw new Error(`JSON patch add: index ${token} out of range at ${path}`);
  }
  parent.splice(index, 0, value);
}

function set(parent: Container, token: string, value: unknown): void {
  if (Array.isArray(parent)) parent[Number(token)] = value;
  else parent[token] = value;
}

function requireMember(parent: Container, token: string, path: string): void {
  if (Array.isArray(parent)) arrayIndex(parent, token, path);
  else if (!Object.hasOwn(parent, token)) throw new Error(`JSON patch: no member at ${path}`);
}

function arrayIndex(array: unknown[], token: string, path: string): number {
  const index = Number(token);
  if (!/^\d+$/.test(token) || index >= array.length) {
    throw new Error(`JSON patch: no array element at ${path}`);
  }
  return index;
}

function resolve(document: unknown, tokens: string[], path: string): Container {
  let node = document;
  for (const token of tokens) {
    if (Array.isArray(node)) node = node[arrayIndex(node, token, path)];
    else if (isObject(node) && Object.hasOwn(node, token)) node = node[token];
    else throw new Error(`JSON patch: path ${path} does not exist`);
  }
  if (!Array.isArray(node) && !isObject(node)) {
    throw new Error(`JSON patch: ${path} is not inside an object or array`);
  }
  return node;
}

function parsePointer(pointer: string): string[] {
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer must start with "/": ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
