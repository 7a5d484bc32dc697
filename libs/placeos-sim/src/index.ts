/**
 * A faithful fake PlaceOS (rest-api + auth + control WebSocket) for tests, benchmarks and the demo.
 *
 * Test-control routes (no auth, JSON in/out, 400 on bad input, 404 on unknown ids):
 * `GET /_sim/stats`, `GET|POST /_sim/state` ({module_id,key,value} or {module_id,key,raw}),
 * `DELETE /_sim/state?module_id=&key=`, `GET|DELETE /_sim/modules/:id`, `POST /_sim/modules/:id/rename`
 * ({custom_name}), `POST /_sim/systems` ({name,zones,modules?,email?}), `GET|DELETE /_sim/systems/:id`,
 * `POST /_sim/systems/:id/reorder` ({modules}), `POST /_sim/systems/:id/modules` ({driver_id,custom_name?}),
 * `POST /_sim/systems/:id/zones` ({zones}), `POST /_sim/zones` ({name,tags,parent_id?}),
 * `PATCH|POST /_sim/zones/:id` ({name?,tags?}), `DELETE /_sim/zones/:id`, `POST /_sim/sockets/drop`,
 * `POST /_sim/pause` ({paused}), `POST /_sim/faults` ({path_prefix,kind,times}), `POST /_sim/frames`
 * ({text}), `POST /_sim/tokens/expire`, `GET /_sim/pressure` (frames queued per control socket) and
 * `POST /_sim/pressure/reset`.
 *
 * With `redisUrl` the world is also mirrored into Redis as PlaceOS keeps it (see `RedisMirror`).
 */
export { startSimulator, CONTROL_PATH } from './simulator';
export type { Simulator, SimulatorOptions } from './simulator';
export { SimWorld } from './world/sim-world';
export type { SimStats, WorldData } from './world/sim-world';
export type { PortfolioOptions } from './world/portfolio-generator';
export { generatePortfolio } from './world/portfolio-generator';
export type {
  FaultKind,
  FaultSpec,
  SimPressure,
  SocketPressure,
  WorldListener,
} from './world/world-listener';
export { LOOKUP_CHANGE, RedisMirror, statusKey, systemKey } from './redis/redis-mirror';
export type { SimPermissions } from './auth/sim-auth';
export type { ModelJson } from './world/model-json';
export { SimInputError, SimNotFoundError } from './world/sim-errors';
export { computeModuleSlots, parseModuleSlug } from './world/module-slots';
export { parseControlRequest } from './control/control-request';
export { encodeControlResponse } from './control/control-response';
