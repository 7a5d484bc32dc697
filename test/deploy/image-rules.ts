import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Stage, execForm, parseDockerfile, shellCommands } from './dockerfile';
import { runtimeSources } from './source-imports';

/**
 * What the container image must get right, each rule returning the problems it finds in the
 * Dockerfile text. This is the image's linter (hadolint is not packaged for Debian and nothing
 * else can be installed here).
 */
export type ImageRule = (dockerfile: string, repositoryRoot: string) => string[];

const BRIDGE_OUTPUT = 'dist/apps/bridge/';
const BRIDGE_ENTRY = 'apps/bridge/src/main.ts';
/** Sources that exist for `npm run demo` and must not ship: the demo entry and the simulator. */
const DEMO_SOURCES = ['apps/bridge/src/demo.ts', 'libs/placeos-sim'];
const FINAL_STAGE_COPIES = new Set(['/app/node_modules', '/app/dist/apps/bridge']);
const FINAL_STAGE_CONTEXT_FILES = new Set(['package.json', './package.json']);

function stages(dockerfile: string): { build: Stage[]; final: Stage } {
  const all = parseDockerfile(dockerfile);
  return { build: all.slice(0, -1), final: all.at(-1)! };
}

function commands(stage: Stage): string[][] {
  return stage.instructions.filter((i) => i.keyword === 'RUN').flatMap(shellCommands);
}

const isCommand = (words: string[], ...prefix: string[]) =>
  prefix.every((word, i) => words[i] === word);

export const multiStage: ImageRule = (dockerfile) => {
  const { build, final } = stages(dockerfile);
  const named = new Set(build.map((s) => s.name));
  const copiesFromBuild = final.instructions.some((i) => named.has(i.flags.from));
  return build.length > 0 && copiesFromBuild
    ? []
    : ['needs a build stage and a final stage that copies from it'];
};

export const buildsOnlyTheBridge: ImageRule = (dockerfile) => {
  const words = stages(dockerfile).build.flatMap(commands);
  const problems: string[] = [];
  if (!words.some((w) => w.join(' ').endsWith('nest build bridge'))) {
    problems.push('the build stage must run `nest build bridge`');
  }
  if (words.some((w) => isCommand(w, 'npm', 'run', 'build') || w.includes('placeos-sim'))) {
    problems.push('the build stage builds the simulator too (`npm run build`)');
  }
  return problems;
};

export const productionDependenciesOnly: ImageRule = (dockerfile) => {
  const { build, final } = stages(dockerfile);
  const built = build.flatMap(commands);
  const buildIndex = built.findIndex((w) => w.join(' ').endsWith('nest build bridge'));
  const pruneIndex = built.findIndex(
    (w) => isCommand(w, 'npm', 'prune') && w.includes('--omit=dev'),
  );
  const copiesPruned = final.instructions.some(
    (i) => i.keyword === 'COPY' && i.flags.from && i.args.startsWith('/app/node_modules '),
  );
  const installsInFinal = commands(final).filter(
    (w) => isCommand(w, 'npm', 'ci') || isCommand(w, 'npm', 'install'),
  );
  const problems: string[] = [];
  if (installsInFinal.some((w) => !w.includes('--omit=dev'))) {
    problems.push('the final stage installs devDependencies');
  }
  if (installsInFinal.length === 0 && !(copiesPruned && pruneIndex > buildIndex)) {
    problems.push('node_modules must be pruned (`npm prune --omit=dev`) after the build');
  }
  return problems;
};

export const copiesOnlyTheBridge: ImageRule = (dockerfile) =>
  stages(dockerfile).final.instructions.flatMap((instruction) => {
    if (instruction.keyword === 'ADD') return ['use COPY, not ADD'];
    if (instruction.keyword !== 'COPY') return [];
    const sources = instruction.args.split(/\s+/).slice(0, -1);
    const allowed = instruction.flags.from ? FINAL_STAGE_COPIES : FINAL_STAGE_CONTEXT_FILES;
    return sources
      .filter((source) => !allowed.has(source))
      .map((source) => `the final stage copies ${source}`);
  });

/** The paths the build stage deletes from the bridge's output, as the sources they came from. */
export function removedSources(dockerfile: string): string[] {
  const removed = stages(dockerfile)
    .build.flatMap(commands)
    .filter((words) => words[0] === 'rm')
    .flatMap((words) => words.slice(1).filter((word) => !word.startsWith('-')));
  return removed
    .filter((path) => path.startsWith(BRIDGE_OUTPUT))
    .map((path) => path.slice(BRIDGE_OUTPUT.length).replace(/\.js(\.map)?$/, '.ts'));
}

export const shipsNoDemo: ImageRule = (dockerfile, repositoryRoot) => {
  const removed = removedSources(dockerfile);
  const loaded = [...runtimeSources(repositoryRoot, BRIDGE_ENTRY)];
  const problems: string[] = [];
  for (const source of DEMO_SOURCES) {
    // apps/bridge/tsconfig.app.json compiles all of src/, so the demo is in the bridge's output.
    if (!removed.includes(source)) problems.push(`${source} is compiled and not removed`);
  }
  for (const source of removed) {
    if (!existsSync(join(repositoryRoot, source))) problems.push(`no source ${source} to remove`);
    const needed = loaded.filter((file) => file === source || file.startsWith(`${source}/`));
    if (needed.length > 0) problems.push(`${BRIDGE_ENTRY} loads ${needed.join(', ')}`);
  }
  return problems;
};

export const runsAsNode: ImageRule = (dockerfile) => {
  const user = stages(dockerfile)
    .final.instructions.filter((i) => i.keyword === 'USER')
    .at(-1)?.args;
  return user === 'node' || user === '1000' ? [] : [`the final stage runs as ${user ?? 'root'}`];
};

export const startsNodeDirectly: ImageRule = (dockerfile) => {
  const final = stages(dockerfile).final.instructions;
  if (final.some((i) => i.keyword === 'ENTRYPOINT')) return ['no ENTRYPOINT: CMD runs node'];
  const cmd = final.filter((i) => i.keyword === 'CMD').at(-1);
  const command = cmd && execForm(cmd);
  if (!command || command[0] !== 'node') {
    return ['CMD must run node in exec form, so SIGTERM reaches the bridge (not npm or a shell)'];
  }
  const main = BRIDGE_OUTPUT + BRIDGE_ENTRY.replace(/\.ts$/, '.js');
  return command.at(-1) === main ? [] : [`CMD runs ${command.at(-1)}, not ${main}`];
};

/** V8 heap or GC flags anywhere they would reach the bridge: memory is designed, not capped. */
const V8_FLAG =
  /--(max-old-space-size|max-semi-space-size|no-allocation-site-pretenuring|expose-gc)\b/;

export const setsNoV8Flags: ImageRule = (dockerfile) => {
  const final = stages(dockerfile).final.instructions;
  const problems: string[] = [];
  for (const instruction of final) {
    if (instruction.keyword === 'ENV' && /\bNODE_OPTIONS\b/.test(instruction.args)) {
      problems.push(`sets NODE_OPTIONS (${instruction.args}): the image sets no V8 flags`);
    }
    if (instruction.keyword === 'CMD' && V8_FLAG.test(instruction.args)) {
      problems.push(`CMD passes V8 flags (${instruction.args})`);
    }
  }
  return problems;
};

/** The same for a command line (the `start` script of package.json). */
export function v8FlagsIn(command: string): string[] {
  return V8_FLAG.test(command) || /\bNODE_OPTIONS=/.test(command)
    ? [`${command} sets V8 flags: the bridge runs without them`]
    : [];
}
