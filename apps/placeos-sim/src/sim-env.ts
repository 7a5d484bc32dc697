import type { SimulatorOptions } from '@app/placeos-sim';

/** Thrown for an environment variable that cannot be used. */
export class SimEnvError extends Error {
  override readonly name = 'SimEnvError';
}

/** A `whole` (digits only) or any finite number within `[min, max]`; unset or blank is undefined. */
function numberVar(
  env: NodeJS.ProcessEnv,
  name: string,
  kind: 'whole' | 'number',
  min: number,
  max: number,
): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (kind === 'whole' && !/^\d+$/.test(raw))
    throw new SimEnvError(`${name} must be a whole number`);
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    const what = kind === 'whole' ? '' : 'a number ';
    throw new SimEnvError(`${name} must be ${what}between ${min} and ${max}`);
  }
  return n;
}

/**
 * Simulator options from `SIM_*` variables. `SIM_BUILDINGS` is buildings per region, `SIM_LEVELS`
 * levels per building, `SIM_ROOMS` rooms per level. `SIM_REDIS_URL` also mirrors the world into
 * that Redis as PlaceOS does (status hashes, lookups, their channels).
 */
export function simulatorOptionsFromEnv(env: NodeJS.ProcessEnv): SimulatorOptions {
  const apiKey = env.SIM_API_KEY?.trim();
  if (apiKey !== undefined && apiKey !== '' && !/^[0-9a-f]{32}\.[A-Za-z0-9_-]+$/.test(apiKey)) {
    throw new SimEnvError('SIM_API_KEY must look like a PlaceOS key: <32 hex>.<url-safe base64>');
  }
  const redisUrl = env.SIM_REDIS_URL?.trim() || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl))
    throw new SimEnvError('SIM_REDIS_URL must be a redis:// or rediss:// URL');
  return {
    host: env.SIM_HOST?.trim() || '127.0.0.1',
    port: numberVar(env, 'SIM_PORT', 'whole', 0, 65535) ?? 8085,
    seed: numberVar(env, 'SIM_SEED', 'whole', 0, 4294967295),
    portfolio: {
      buildingsPerRegion: numberVar(env, 'SIM_BUILDINGS', 'whole', 0, 10000),
      levelsPerBuilding: numberVar(env, 'SIM_LEVELS', 'whole', 0, 1000),
      roomsPerLevel: numberVar(env, 'SIM_ROOMS', 'whole', 0, 10000),
    },
    changesPerSecond: numberVar(env, 'SIM_CHANGES_PER_SECOND', 'number', 0, 100000) ?? 2,
    apiKey: apiKey === '' ? undefined : apiKey,
    domain: env.SIM_DOMAIN?.trim().toLowerCase() || undefined,
    redisUrl,
  };
}
