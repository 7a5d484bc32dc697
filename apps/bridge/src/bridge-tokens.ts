/** Composition-root injection tokens. */
export const PLACEOS_CLIENT = Symbol('PLACEOS_CLIENT');
export const BROKER_CONNECTIONS = Symbol('BROKER_CONNECTIONS');
export const BROKER_TARGETS = Symbol('BROKER_TARGETS');
