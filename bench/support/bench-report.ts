// The benchmark's results and the table `npm run bench` prints and writes to docs/bench.
import type { Subject } from './broker-watch';
import type { ChainFigures } from './privacy-chain';

export interface SyncResult {
  keys: number;
  seconds: number;
  peakRssMb: number;
}
export interface BurstResult {
  rules: number;
  changes: number;
  seconds: number;
  changesPerSecond: number;
  cpuSeconds: number;
  /** Every burst topic ended at its last value and none was left at an older one. */
  complete: boolean;
}
export interface LatencyResult {
  rate: number;
  offered: number;
  delivered: number;
  p50: number;
  p99: number;
  p999: number;
  samples: number[];
}
export interface SubjectRun {
  sync: SyncResult;
  /** The same sync in a memory cgroup of the scale's container limit (the bridge only). */
  container?: SyncResult & { limitMb: number };
  containerSkipped?: string;
  bursts: BurstResult[];
  latency: LatencyResult[];
}

const ms = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '—');
const ratio = (bridge: number, bare: number): string =>
  Number.isFinite(bridge / bare) ? `${(bridge / bare).toFixed(2)}×` : '—';

/** The printed table: one row a figure, the bridge beside the bare baseline and their ratio. */
export function table(
  runs: Record<string, Record<Subject, SubjectRun>>,
  chain: ChainFigures,
  sourceOf: (scale: string) => 'api' | 'redis',
): string {
  const rows: string[][] = [];
  for (const [scale, bySubject] of Object.entries(runs)) {
    const { bridge, bare } = bySubject;
    rows.push([
      `${scale}: start → every topic on the broker (${bridge.sync.keys.toLocaleString('en')} keys, ${sourceOf(scale) === 'redis' ? "from PlaceOS' Redis" : 'over the API'})`,
      `${bridge.sync.seconds.toFixed(1)} s`,
      `${bare.sync.seconds.toFixed(1)} s`,
      ratio(bridge.sync.seconds, bare.sync.seconds),
    ]);
    rows.push([
      `${scale}: peak RSS, no memory limit (V8 sized for this machine's RAM)`,
      `${bridge.sync.peakRssMb} MB`,
      `${bare.sync.peakRssMb} MB`,
      ratio(bridge.sync.peakRssMb, bare.sync.peakRssMb),
    ]);
    if (bridge.container) {
      rows.push([
        `${scale}: bridge in a ${bridge.container.limitMb} MiB container: sync, peak RSS`,
        `${bridge.container.seconds.toFixed(1)} s, ${bridge.container.peakRssMb} MB`,
        '',
        '',
      ]);
    }
    const bareBurst = bare.bursts[0];
    for (const burst of bridge.bursts) {
      if (!bareBurst) break;
      rows.push([
        `burst of ${burst.changes.toLocaleString('en')} changes, ${burst.rules} rules: changes/s (bridge CPU s)`,
        `${burst.changesPerSecond.toLocaleString('en')} (${burst.cpuSeconds.toFixed(2)})${burst.complete ? '' : ' incomplete'}`,
        `${bareBurst.changesPerSecond.toLocaleString('en')} (${bareBurst.cpuSeconds.toFixed(2)})`,
        ratio(burst.changesPerSecond, bareBurst.changesPerSecond),
      ]);
    }
    bridge.latency.forEach((latency, i) => {
      const base = bare.latency[i];
      if (!base) return;
      for (const [name, key] of [
        ['p50', 'p50'],
        ['p99', 'p99'],
        ['p99.9', 'p999'],
      ] as const) {
        rows.push([
          `${latency.rate.toLocaleString('en')} changes/s: ${name} latency`,
          ms(latency[key]),
          ms(base[key]),
          ratio(latency[key], base[key]),
        ]);
      }
      rows.push([
        `${latency.rate.toLocaleString('en')} changes/s: stamped messages received (values written)`,
        `${latency.delivered.toLocaleString('en')} / ${latency.offered.toLocaleString('en')}`,
        `${base.delivered.toLocaleString('en')} / ${base.offered.toLocaleString('en')}`,
        '',
      ]);
    });
  }
  rows.push([
    'privacy chain, 20 rules, typical 200-byte value: rules only (CPU)',
    `${chain.rulesOnlyMicros.toFixed(1)} µs`,
    '',
    '',
  ]);
  rows.push([
    'privacy chain, 20 rules, typical value: parse, rules, re-serialise, payload (CPU)',
    `${chain.plannedMicros.toFixed(1)} µs`,
    '',
    '',
  ]);
  const header = ['figure', 'bridge', 'bare mqtt.js', 'bridge / bare'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}
