import type { Topology } from './topology';

export type TopologyChangeKind =
  | 'system-added'
  | 'system-removed'
  | 'system-changed'
  | 'system-rezoned'
  | 'modules-reordered'
  | 'module-added'
  | 'module-removed'
  | 'module-renamed'
  | 'module-changed'
  | 'zone-added'
  | 'zone-removed'
  | 'zone-changed'
  | 'driver-added'
  | 'driver-removed'
  | 'driver-changed';

export interface TopologyChange {
  kind: TopologyChangeKind;
  /** Id of the model that changed. */
  id: string;
  /** Systems whose topics or metadata may be affected. */
  systemIds: string[];
}

/** Emitted after a poll found differences; consumers diff `previous` and `current`. */
export interface TopologyUpdate {
  previous: Topology;
  current: Topology;
  changes: TopologyChange[];
}
