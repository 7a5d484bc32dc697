/** The BridgePipeline instance the event handlers and interceptors share. */
export const BRIDGE_PIPELINE = Symbol('BRIDGE_PIPELINE');
