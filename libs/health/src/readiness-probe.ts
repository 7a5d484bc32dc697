/** One dependency readiness depends on; `check` reads state the component already keeps. */
export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<ProbeResult> | ProbeResult;
}

export interface ProbeResult {
  up: boolean;
  details: Record<string, unknown>;
}

/** Multi-provider token: the host application provides the probes readiness runs. */
export const READINESS_PROBES = Symbol('READINESS_PROBES');
