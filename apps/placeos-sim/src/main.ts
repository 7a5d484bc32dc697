import { startSimulator } from '@app/placeos-sim';
import { SimEnvError, simulatorOptionsFromEnv } from './sim-env';

async function main(): Promise<void> {
  const options = simulatorOptionsFromEnv(process.env);
  const sim = await startSimulator(options);
  const stats = sim.world.stats();
  const lines = [
    `PlaceOS simulator listening on ${sim.url}`,
    `  world: ${stats.systems} systems, ${stats.zones} zones, ${stats.modules} modules, ${stats.keys} status keys (seed ${options.seed ?? 1})`,
    `  API key (X-API-Key): ${sim.apiKey}`,
    `  OAuth user: ${sim.user.email} / ${sim.user.password}`,
    `  OAuth client: ${sim.oauthClient.clientId} / ${sim.oauthClient.clientSecret}`,
    `  control socket: ${sim.url.replace(/^http/, 'ws')}/api/engine/v2/systems/control`,
    `  test controls: ${sim.url}/_sim/stats (and other /_sim/ routes)`,
    `  random changes: ${options.changesPerSecond ?? 0}/s`,
    `  authority domain: ${options.domain ?? 'any Host (set SIM_DOMAIN to require one)'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping simulator\n`);
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `placeos-sim: ${error instanceof SimEnvError || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
