/** Composition-root injection token: each broker's BrokerTarget (id, HMAC secret, rewrite). */
export const BROKER_TARGETS = Symbol('BROKER_TARGETS');
