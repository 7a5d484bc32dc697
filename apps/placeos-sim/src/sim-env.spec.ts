import { describe, expect, it } from 'vitest';
import { SimEnvError, simulatorOptionsFromEnv } from './sim-env';

describe('simulatorOptionsFromEnv', () => {
  it('uses the CLI defaults', () => {
    expect(simulatorOptionsFromEnv({})).toMatchObject({
      host: '127.0.0.1',
      port: 8085,
      changesPerSecond: 2,
      apiKey: undefined,
      seed: undefined,
      domain: undefined,
    });
  });

  it('reads every SIM_ variable', () => {
    const key = `${'a'.repeat(32)}.secret_-Value`;
    const options = simulatorOptionsFromEnv({
      SIM_HOST: '0.0.0.0',
      SIM_PORT: '9000',
      SIM_SEED: '42',
      SIM_BUILDINGS: '3',
      SIM_LEVELS: '4',
      SIM_ROOMS: '5',
      SIM_CHANGES_PER_SECOND: '0.5',
      SIM_API_KEY: key,
      SIM_DOMAIN: ' PlaceOS.Example.com ',
    });
    expect(options).toEqual({
      host: '0.0.0.0',
      port: 9000,
      seed: 42,
      portfolio: { buildingsPerRegion: 3, levelsPerBuilding: 4, roomsPerLevel: 5 },
      changesPerSecond: 0.5,
      apiKey: key,
      domain: 'placeos.example.com',
    });
  });

  it.each([
    ['SIM_PORT', 'abc'],
    ['SIM_PORT', '70000'],
    ['SIM_ROOMS', '-1'],
    ['SIM_CHANGES_PER_SECOND', 'fast'],
    ['SIM_API_KEY', 'not-a-placeos-key'],
  ])('rejects %s=%s with a clear error', (name, value) => {
    expect(() => simulatorOptionsFromEnv({ [name]: value })).toThrow(SimEnvError);
    expect(() => simulatorOptionsFromEnv({ [name]: value })).toThrow(name);
  });
});
