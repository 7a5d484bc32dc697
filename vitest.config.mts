import { spawnSync } from 'node:child_process';
import { defineConfig } from 'vitest/config';

/** The bridge behaviour tests that also run with state from PlaceOS' Redis. */
const BOTH_SOURCES = [
  'test/bridge/topics.e2e-spec.ts',
  'test/bridge/delivery.e2e-spec.ts',
  'test/bridge/privacy.e2e-spec.ts',
  'test/bridge/operations.e2e-spec.ts',
  'test/bridge/replicas.e2e-spec.ts',
];
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedis) {
  console.warn(
    'redis-server is not installed: the Redis-source project of the bridge tests is skipped',
  );
}

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    environment: 'node',
    setupFiles: ['./test/setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'api',
          include: ['{apps,libs,test}/**/*.{spec,e2e-spec}.ts'],
          // Its process-level tests run the built bridge.
          globalSetup: ['./test/global-setup.ts'],
        },
      },
      ...(hasRedis
        ? [
            {
              extends: true as const,
              test: {
                name: 'redis',
                include: BOTH_SOURCES,
                env: { TEST_PLACEOS_SOURCE: 'redis' },
              },
            },
          ]
        : []),
    ],
  },
});
