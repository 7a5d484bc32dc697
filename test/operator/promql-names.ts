/**
 * Metric names in PromQL expressions, and metric families in Prometheus text: enough of both
 * languages to check that dashboards and alerts only use metrics the bridge exports.
 */

/** PromQL functions, aggregations and keywords the deploy/ files may use. */
const PROMQL_WORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'topk',
  'bottomk',
  'rate',
  'irate',
  'increase',
  'deriv',
  'delta',
  'changes',
  'resets',
  'predict_linear',
  'histogram_quantile',
  'label_replace',
  'label_values',
  'vector',
  'absent',
  'clamp_min',
  'max_over_time',
  'min_over_time',
  'avg_over_time',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
]);

/** Functions whose argument must be a counter (or a histogram's _bucket/_sum/_count). */
export const COUNTER_FUNCTIONS = ['rate', 'irate', 'increase', 'resets'];
/** Functions whose argument must be a gauge. */
export const GAUGE_FUNCTIONS = ['deriv', 'delta', 'predict_linear'];

/**
 * Strips what cannot name a metric: strings, label matchers, ranges, grouping label lists,
 * dashboard variables.
 */
function skeleton(expr: string): string {
  return (
    expr
      .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
      .replace(/\{[^{}]*\}/g, ' ')
      .replace(/\[[^\]]*\]/g, ' ')
      .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
      // Grafana's label_values(metric, label): the label is not a metric.
      .replace(/\blabel_values\s*\(([^,()]*),\s*[A-Za-z_]\w*\s*\)/g, 'label_values($1)')
      .replace(/\$\w+/g, ' ')
  );
}

/** Every metric name `expr` reads; throws for a word that is neither a metric nor known PromQL. */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  for (const [word] of skeleton(expr).matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    if (PROMQL_WORDS.has(word)) continue;
    if (!word.startsWith('placeos_bridge_'))
      throw new Error(`"${word}" in ${expr} is neither a bridge metric nor a PromQL word we know`);
    names.add(word);
  }
  return [...names];
}

/** The metric each call of one of `functions` in `expr` is applied to directly. */
export function metricsUnder(expr: string, functions: string[]): string[] {
  const pattern = new RegExp(
    `\\b(?:${functions.join('|')})\\s*\\(\\s*([A-Za-z_:][A-Za-z0-9_:]*)`,
    'g',
  );
  return [...expr.matchAll(pattern)].map((match) => match[1]);
}

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/**
 * The series names a Prometheus text exposition offers, with the type of the family each
 * belongs to (a histogram offers `_bucket`, `_sum` and `_count`), from its `# TYPE` lines.
 */
export function exportedSeries(text: string): Map<string, MetricType> {
  const series = new Map<string, MetricType>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const kind = type as MetricType;
    if (kind === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) series.set(name + suffix, kind);
    else if (kind === 'summary')
      for (const suffix of ['', '_sum', '_count']) series.set(name + suffix, kind);
    else series.set(name, kind);
  }
  return series;
}

/** Label names used on any sample of the exposition. */
export function labelNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, labels] of text.matchAll(/^[A-Za-z_:][A-Za-z0-9_:]*\{([^}]*)\}/gm))
    for (const [, name] of labels.matchAll(/([A-Za-z_][A-Za-z0-9_]*)="/g)) names.add(name);
  return names;
}
