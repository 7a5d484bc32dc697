import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
/** The entry `npm start` and the container image run. */
export const BRIDGE_MAIN = join(ROOT, 'dist/apps/bridge/apps/bridge/src/main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    // Sources and the files the build copies (the admin page's static files).
    else if (!entry.name.includes('.spec.')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * Builds the bridge as `npm run build` does when the build is missing or older than a source,
 * so tests that run real bridge processes run the code under test (CI builds first anyway).
 */
export function ensureBridgeBuilt(): void {
  const builtAt = existsSync(BRIDGE_MAIN) ? statSync(BRIDGE_MAIN).mtimeMs : 0;
  const changedAt = Math.max(newestSource(join(ROOT, 'apps')), newestSource(join(ROOT, 'libs')));
  if (builtAt >= changedAt) return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'bridge'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}
