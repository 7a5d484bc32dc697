/** One latency distribution to draw: its label, colour and sorted samples (ms). */
export interface LatencySeries {
  label: string;
  colour: string;
  dashed?: boolean;
  samples: readonly number[];
}

const WIDTH = 760;
const HEIGHT = 420;
const MARGIN = { left: 64, right: 180, top: 36, bottom: 48 };
/** The x axis is -log10(1 - q), "nines": 50 % at 0.3, 90 % at 1, … 99.99 % at 4. */
const NINES_MIN = Math.log10(2);
const NINES_MAX = 4;
const TICKS: ReadonlyArray<[number, string]> = [
  [0.5, '50%'],
  [0.9, '90%'],
  [0.99, '99%'],
  [0.999, '99.9%'],
  [0.9999, '99.99%'],
];
const ninesOf = (q: number): number => -Math.log10(1 - q);

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * An SVG latency-by-percentile plot (the HdrHistogram way: percentile on a "nines" axis, latency
 * on a log axis), one line per series. Plain SVG text, so the README shows it without a build.
 */
export function latencyPlotSvg(title: string, series: readonly LatencySeries[]): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const all = series.flatMap((s) => [quantile(s.samples, 0), quantile(s.samples, 0.9999)]);
  const finite = all.filter((v) => Number.isFinite(v) && v > 0);
  const low = Math.max(0.1, Math.min(...finite));
  const high = Math.max(low * 10, Math.max(...finite));
  const decadeLow = Math.floor(Math.log10(low));
  const decadeHigh = Math.ceil(Math.log10(high));
  const x = (nines: number): number =>
    MARGIN.left + ((nines - NINES_MIN) / (NINES_MAX - NINES_MIN)) * plotWidth;
  const y = (ms: number): number =>
    MARGIN.top +
    plotHeight -
    ((Math.log10(Math.max(ms, 10 ** decadeLow)) - decadeLow) / (decadeHigh - decadeLow)) *
      plotHeight;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
  );
  for (let decade = decadeLow; decade <= decadeHigh; decade++) {
    const value = 10 ** decade;
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(value)}" y2="${y(value)}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(value) + 4}" text-anchor="end">${value >= 1 ? value : value.toFixed(1)} ms</text>`,
    );
  }
  for (const [q, label] of TICKS) {
    const at = x(ninesOf(q)).toFixed(1);
    parts.push(
      `<line x1="${at}" x2="${at}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#eee"/>`,
      `<text x="${at}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${label}</text>`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 8}" text-anchor="middle">percentile</text>`,
  );
  series.forEach((s, i) => {
    const points: string[] = [];
    for (let nines = NINES_MIN; nines <= NINES_MAX + 1e-9; nines += 0.04) {
      const value = quantile(s.samples, 1 - 10 ** -nines);
      if (Number.isFinite(value)) points.push(`${x(nines).toFixed(1)},${y(value).toFixed(1)}`);
    }
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<polyline fill="none" stroke="${s.colour}" stroke-width="2"${dash} points="${points.join(' ')}"/>`,
      `<line x1="${WIDTH - MARGIN.right + 12}" x2="${WIDTH - MARGIN.right + 36}" y1="${MARGIN.top + 10 + i * 20}" y2="${MARGIN.top + 10 + i * 20}" stroke="${s.colour}" stroke-width="2"${dash}/>`,
      `<text x="${WIDTH - MARGIN.right + 42}" y="${MARGIN.top + 14 + i * 20}">${escape(s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

export { quantile };
