import type { BridgeConfig } from '@app/config';
import type { BridgeMetrics } from '@app/observability';
import { LeakFindings } from '@app/pipeline';
import type { Logger } from 'pino';
import { unprotectedValuesCounter } from './findings-metrics';

/** The leak canary's tally, shared by the pipeline's planner and the admin API. */
export const LEAK_FINDINGS = Symbol('LEAK_FINDINGS');

/**
 * The leak canary wired to the outside: the metric per value, and one warning per new finding
 * (broker, detector and generalised topic only: the value is never logged).
 */
export function createLeakFindings(
  config: BridgeConfig,
  metrics: BridgeMetrics,
  logger: Logger,
): LeakFindings {
  const counter = unprotectedValuesCounter(metrics);
  const log = logger.child({ component: 'leak-canary' });
  return new LeakFindings({
    hierarchyLength: config.placeos.hierarchy.length,
    onUnprotectedValue: (broker, detector) => counter.inc({ broker, detector }),
    onNewFinding: (finding) =>
      log.warn(finding, 'personal data reached a broker unprotected: no privacy rule covers it'),
    onFull: (maxFindings) =>
      log.warn({ maxFindings }, 'too many distinct findings: new ones are no longer recorded'),
  });
}
