import { findMosquittoSub, type MqttRecorder, mosquittoSkipReason } from '@app/testing';
import {
  type BridgeHarness,
  type HarnessOptions,
  startHarness,
} from '../../support/bridge-harness';
import { SMALL_PORTFOLIO, stateTopicCount } from '../../support/sim-fixtures';

/**
 * Why a suite that times arrivals with mosquitto_sub cannot run here (no mosquitto, or no
 * mosquitto_sub), warned as `<suite> skipped: <reason>`; undefined where it can.
 */
export function arrivalTimingSkipReason(suite: string): string | undefined {
  const skip =
    mosquittoSkipReason() ??
    (findMosquittoSub() ? undefined : 'mosquitto_sub is not installed (it times arrivals)');
  if (skip) console.warn(`${suite} skipped: ${skip}`);
  return skip;
}

/** The state topics a recorder holds (canonical or templated: metadata and status left out). */
export function stateTopics(recorder: MqttRecorder, prefix = ''): string[] {
  return recorder
    .topics(prefix)
    .filter((t) => !t.includes('/metadata/') && !t.includes('/_bridge/'))
    .map((t) => t.slice(prefix.length));
}

/** Waits until `recorder` holds as many state topics as the harness' portfolio has. */
export async function waitForEveryStateTopic(
  h: BridgeHarness,
  recorder: MqttRecorder,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const keys = stateTopicCount(h.sim);
  await recorder.waitFor(() => stateTopics(recorder).length === keys, timeoutMs, what);
}

/**
 * The small portfolio on two brokers: `otherId` without limits, and `aws` with the AWS IoT Core
 * profile (its real limits, its default topic template).
 */
export function startBesideAws(
  otherId: string,
  options: Pick<HarnessOptions, 'beforeBridge'> = {},
): Promise<BridgeHarness> {
  return startHarness({
    sim: SMALL_PORTFOLIO,
    brokers: 2,
    brokerEntries: (b, secrets) => [
      { id: otherId, url: b[0].url, secret: secrets[0] },
      { id: 'aws', url: b[1].url, profile: 'aws-iot-core', secret: secrets[1] },
    ],
    ...options,
  });
}
