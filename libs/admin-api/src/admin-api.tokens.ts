/** Injection token of the RulesStore (@app/rules-store) the host app provides. */
export const RULES_STORE = Symbol('RULES_STORE');
/** Injection token of the BridgeView the host app provides. */
export const BRIDGE_VIEW = Symbol('BRIDGE_VIEW');
/** Injection token of the resolved AdminApiOptions. */
export const ADMIN_API_OPTIONS = Symbol('ADMIN_API_OPTIONS');
