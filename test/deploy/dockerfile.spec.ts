import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execForm, parseDockerfile } from './dockerfile';
import {
  type ImageRule,
  buildsOnlyTheBridge,
  copiesOnlyTheBridge,
  multiStage,
  productionDependenciesOnly,
  removedSources,
  runsAsNode,
  setsNoV8Flags,
  shipsNoDemo,
  startsNodeDirectly,
  v8FlagsIn,
} from './image-rules';

/**
 * The container image's rules, checked on the Dockerfile's text: no image can be built on the
 * machines the tests run on (no registry for the base image), and no Dockerfile linter is
 * installable there, so these checks are the linter.
 */
const root = join(__dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

const RULES: Record<string, ImageRule> = {
  'a build stage and a final stage copying from it': multiStage,
  'builds the bridge only, not the simulator': buildsOnlyTheBridge,
  'production dependencies only in the final stage': productionDependenciesOnly,
  'the final stage copies node_modules, dist/apps/bridge and package.json only':
    copiesOnlyTheBridge,
  'ships neither the demo entry nor the simulator, and main.ts loads neither': shipsNoDemo,
  'runs as the non-root node user': runsAsNode,
  'CMD runs node directly in exec form on the bridge entry': startsNodeDirectly,
  'sets no V8 flags (no NODE_OPTIONS, no heap cap)': setsNoV8Flags,
};

describe('Dockerfile', () => {
  it.each(Object.entries(RULES))('%s', (_name, rule) => {
    expect(rule(dockerfile, root)).toEqual([]);
  });

  it('removes the demo entry, its runner, the simulator and the test helpers from the output', () => {
    expect(removedSources(dockerfile).sort()).toEqual([
      'apps/bridge/src/demo-runner.ts',
      'apps/bridge/src/demo-runner.ts',
      'apps/bridge/src/demo.ts',
      'apps/bridge/src/demo.ts',
      'libs/placeos-sim',
      'libs/testing',
    ]);
  });

  it('`npm start` runs the bridge without V8 flags, and no source sets any at run time', () => {
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(v8FlagsIn(scripts.start)).toEqual([]);
    expect(v8FlagsIn('NODE_OPTIONS=--max-old-space-size=192 node main.js')).not.toEqual([]);
    // grep exits 1 when nothing matches.
    const search = spawnSync('grep', ['-rl', 'setFlagsFromString', 'apps', 'libs'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(search.stdout).toBe('');
    expect(search.status).toBe(1);
  });

  it('keeps local state and secrets out of the build context (.dockerignore)', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', 'data', '.env', '.git']) {
      expect(ignored).toContain(entry);
    }
  });
});

describe('the image checks catch broken Dockerfiles', () => {
  it.each<[string, ImageRule, (text: string) => string, RegExp]>([
    [
      'one stage',
      multiStage,
      (t) => `FROM node:22-bookworm-slim\n${t.slice(t.lastIndexOf('WORKDIR'))}`,
      /build stage/,
    ],
    [
      'npm run build',
      buildsOnlyTheBridge,
      (t) => t.replace('npx nest build bridge', 'npm run build'),
      /simulator/,
    ],
    [
      'no prune',
      productionDependenciesOnly,
      (t) => t.replace('npm prune --omit=dev', 'npm ls'),
      /pruned/,
    ],
    [
      'all of dist',
      copiesOnlyTheBridge,
      (t) => t.replace('/app/dist/apps/bridge ./dist/apps/bridge', '/app/dist ./dist'),
      /copies \/app\/dist$/,
    ],
    [
      'the simulator kept',
      shipsNoDemo,
      (t) => t.replace(' dist/apps/bridge/libs/placeos-sim', ''),
      /libs\/placeos-sim is compiled and not removed/,
    ],
    [
      'a library main.ts needs removed',
      shipsNoDemo,
      (t) => t.replace(' dist/apps/bridge/libs/testing', ' dist/apps/bridge/libs/config'),
      /main\.ts loads libs\/config\//,
    ],
    ['root', runsAsNode, (t) => t.replace('USER node', 'USER root'), /runs as root/],
    [
      'a heap cap',
      setsNoV8Flags,
      (t) => t.replace('USER node', 'ENV NODE_OPTIONS=--max-old-space-size=192\nUSER node'),
      /sets NODE_OPTIONS/,
    ],
    [
      'npm start',
      startsNodeDirectly,
      (t) => t.replace(/^CMD .*$/m, 'CMD ["npm", "start"]'),
      /exec form/,
    ],
    [
      'shell form',
      startsNodeDirectly,
      (t) => t.replace(/^CMD .*$/m, 'CMD node main.js'),
      /exec form/,
    ],
  ])('%s', (_name, rule, edit, problem) => {
    const broken = edit(dockerfile);
    expect(broken).not.toBe(dockerfile);
    expect(rule(broken, root).join('\n')).toMatch(problem);
  });

  it('parses continuations, comments inside them, stages and exec forms', () => {
    const [build, final] = parseDockerfile(
      '# syntax=docker/dockerfile:1\nFROM node AS build\nRUN a \\\n# note\n && b\nFROM node\nCMD ["node", "x.js"]\n',
    );
    expect(build).toMatchObject({
      name: 'build',
      instructions: [{ keyword: 'RUN', args: 'a && b' }],
    });
    expect(execForm(final.instructions[0])).toEqual(['node', 'x.js']);
  });
});
