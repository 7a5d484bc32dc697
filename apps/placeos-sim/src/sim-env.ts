import type { SimulatorOptions } from '@app/placeos-sim';

/** Thrown for an environment variable that cannot be used. */
export class SimEnvError extends Error {
  override readonly name = 'SimEnvError';
}

function intVar(
  env: NodeJS.ProcessEnv,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new SimEnvError(`${name} must be a whole number`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new SimEnvError(`${name} must be between ${min} and ${max}`);
  return n;
}

function numberVar(
  env: NodeJS.ProcessEnv,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw.trim());
  if (!Number.isFinite(n) || n < min || n > max)
    throw new SimEnvError(`${name} must be a number between ${min} and ${max}`);
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
    port: intVar(env, 'SIM_PORT', 0, 65535) ?? 8085,
    seed: intVar(env, 'SIM_SEED', 0, 4294967295),
    portfolio: {
      buildingsPerRegion: intVar(env, 'SIM_BUILDINGS', 0, 10000),
      levelsPerBuilding: intVar(env, 'SIM_LEVELS', 0, 1000),
      roomsPerLevel: intVar(env, 'SIM_ROOMS', 0, 10000),
    },
    changesPerSecond: numberVar(env, 'SIM_CHANGES_PER_SECOND', 0, 100000) ?? 2,
    apiKey: apiKey === '' ? undefined : apiKey,
    domain: env.SIM_DOMAIN?.trim().toLowerCase() || undefined,
    redisUrl,
  };
}
