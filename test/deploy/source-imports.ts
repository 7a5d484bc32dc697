import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The TypeScript sources an entry file loads at run time, following relative imports and the
 * `@app/<name>` aliases of tsconfig.json. `import type` is skipped (erased); any other import,
 * `export … from`, `require()` and `import()` counts, even if it only names types, so the result
 * may include more than Node loads but never less.
 */
export function runtimeSources(repositoryRoot: string, entry: string): Set<string> {
  return runtimeGraph(repositoryRoot, entry).sources;
}

/** The npm packages those sources import (`@scope/name` or `name`; Node built-ins left out). */
export function runtimePackages(repositoryRoot: string, entry: string): Set<string> {
  return runtimeGraph(repositoryRoot, entry).packages;
}

function runtimeGraph(
  repositoryRoot: string,
  entry: string,
): { sources: Set<string>; packages: Set<string> } {
  const aliases = tsconfigAliases(repositoryRoot);
  const reached = new Set<string>();
  const packages = new Set<string>();
  const pending = [resolve(repositoryRoot, entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (reached.has(file)) continue;
    reached.add(file);
    for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
      const target = resolveSpecifier(specifier, dirname(file), aliases);
      if (target) pending.push(target);
      else if (!specifier.startsWith('node:')) packages.add(packageOf(specifier));
    }
  }
  return {
    sources: new Set([...reached].map((file) => relative(repositoryRoot, file))),
    packages,
  };
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const IMPORT =
  /(?:^|[;\s])(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g;

function importSpecifiers(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((match) => match[1] ?? match[2]);
}

function resolveSpecifier(
  specifier: string,
  directory: string,
  aliases: Map<string, string>,
): string | undefined {
  const alias = aliases.get(specifier);
  if (alias) return asSourceFile(alias);
  if (specifier.startsWith('.')) return asSourceFile(resolve(directory, specifier));
  return undefined; // a package or a Node built-in
}

function asSourceFile(path: string): string {
  for (const candidate of [`${path}.ts`, join(path, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  if (existsSync(path) && statSync(path).isFile()) return path;
  throw new Error(`cannot resolve import ${path}`);
}

function tsconfigAliases(repositoryRoot: string): Map<string, string> {
  const tsconfig = JSON.parse(readFileSync(join(repositoryRoot, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return new Map(
    Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [
      alias,
      resolve(repositoryRoot, target),
    ]),
  );
}
