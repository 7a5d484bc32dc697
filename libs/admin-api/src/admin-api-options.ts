import type { ModuleMetadata, Provider } from '@nestjs/common';

/** Configuration of AdminApiModule.forRoot. */
export interface AdminApiOptions {
  /** The bearer token every /api/v1 request must carry; unset disables the admin API (all 401). */
  adminToken?: string;
  /** Requests per client per window; `false` turns rate limiting off. Default 300 per 10 s. */
  throttle?: { limit: number; ttlMs: number } | false;
  /** Modules that export RULES_STORE and BRIDGE_VIEW (unless they are provided globally). */
  imports?: ModuleMetadata['imports'];
  /** Providers for RULES_STORE and BRIDGE_VIEW, as an alternative to `imports`. */
  providers?: Provider[];
}

/** Default rate limit of /api/v1, per client. */
export const DEFAULT_ADMIN_THROTTLE = { limit: 300, ttlMs: 10_000 } as const;
