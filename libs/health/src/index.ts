export { HealthModule } from './health.module';
export { READINESS_PROBES } from './readiness-probe';
export type { ProbeResult, ReadinessProbe } from './readiness-probe';
