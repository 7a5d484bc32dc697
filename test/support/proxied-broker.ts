import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttRecorder, startTestBroker, TcpProxy, type TestBroker } from '@app/testing';
import { type BridgeHarness, startHarness } from './bridge-harness';
import { addRoomModule } from './sim-fixtures';

export interface BehindProxy {
  /** The harness, whose own broker (`h.recorders[0]`) stays healthy. */
  h: BridgeHarness;
  /** The broker behind the proxy. */
  slow: TestBroker;
  /** Stands between the bridge and `slow`: `stall()` it to stop every acknowledgement. */
  proxy: TcpProxy;
  /** Subscribed to `placeos/#` on `slow` directly, not through the proxy. */
  onSlow: MqttRecorder;
  /** The system and module `startBehindProxy` added to the simulated world. */
  sys: string;
  mod: string;
  /** Resumes the proxy, then closes everything. */
  close(): Promise<void>;
}

/**
 * The harness with one more broker, reached through a TcpProxy: its BROKERS_FILE entry is
 * `entry` with the proxy's URL. Adds a system `room` with a module `customName` to the world.
 */
export async function startBehindProxy(
  entry: { id: string; secret: string; [setting: string]: unknown },
  room: string,
  customName: string,
): Promise<BehindProxy> {
  const slow = await startTestBroker();
  let proxy: TcpProxy | undefined;
  let h: BridgeHarness | undefined;
  let onSlow: MqttRecorder | undefined;
  const close = async () => {
    proxy?.resume();
    await onSlow?.close();
    await h?.close();
    await proxy?.stop();
    await slow.stop();
  };
  try {
    proxy = await TcpProxy.start(slow.port);
    const { id, ...settings } = entry;
    const file = join(mkdtempSync(join(tmpdir(), `${id}-`)), 'brokers.json');
    writeFileSync(file, JSON.stringify([{ id, url: proxy.url, ...settings }]));
    h = await startHarness({ env: { BROKERS_FILE: file } });
    onSlow = await MqttRecorder.connect(slow.url, 'placeos/#');
    const { sys, mod } = addRoomModule(h.sim.world, room, customName);
    return { h, slow, proxy, onSlow, sys, mod, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
