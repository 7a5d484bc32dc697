import type { BridgeMetrics } from '@app/observability';
import { Counter } from 'prom-client';

const UNPROTECTED_VALUES = 'placeos_bridge_unprotected_values_total';

/**
 * `placeos_bridge_unprotected_values_total{broker,detector}`: values in which the leak canary
 * found personal data no rule protects. Registered on the bridge's own registry (so /metrics
 * serves it) from here, next to the findings it counts; labels are broker ids and detector
 * names only, never a topic or a value.
 */
export function unprotectedValuesCounter(metrics: BridgeMetrics): Counter<'broker' | 'detector'> {
  // One registry may back several bridge modules (tests): register once, reuse after.
  const existing = metrics.registry.getSingleMetric(UNPROTECTED_VALUES);
  if (existing instanceof Counter) return existing;
  return new Counter({
    name: UNPROTECTED_VALUES,
    help: 'Values a broker received with personal data (by built-in detector) that no privacy rule protected',
    labelNames: ['broker', 'detector'] as const,
    registers: [metrics.registry],
  });
}
