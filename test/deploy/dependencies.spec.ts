import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runtimePackages } from './source-imports';

/**
 * `dependencies` is what the production image installs (`npm prune --omit=dev`): exactly the
 * packages the bridge loads. Test tools and fixtures (the in-process broker, the simulator's
 * needs) belong in devDependencies.
 */
const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Loaded by a framework by name rather than imported by our sources. */
const LOADED_BY_FRAMEWORK: Record<string, string> = {
  mqtt: "@nestjs/microservices' ClientMqtt",
  '@nestjs/platform-express': "@nestjs/core's NestFactory",
};

describe('package.json dependencies', () => {
  const loaded = runtimePackages(root, 'apps/bridge/src/main.ts');

  it('holds every package the bridge imports', () => {
    const missing = [...loaded].filter((name) => manifest.dependencies[name] === undefined);
    expect(missing).toEqual([]);
  });

  it('holds nothing the bridge does not load', () => {
    const unused = Object.keys(manifest.dependencies).filter(
      (name) => !loaded.has(name) && LOADED_BY_FRAMEWORK[name] === undefined,
    );
    expect(unused).toEqual([]);
  });

  it('pins every package to a major version', () => {
    const all = { ...manifest.dependencies, ...manifest.devDependencies };
    const loose = Object.entries(all).filter(([, range]) => !/^[~^]?\d+\.\d+\.\d+$/.test(range));
    expect(loose).toEqual([]);
  });
});
