/** Injection token of the RulesStore: the rules store library's own, which the host provides. */
export { RULES_STORE } from '@app/rules-store';
/** Injection token of the BridgeView the host app provides. */
export const BRIDGE_VIEW = Symbol('BRIDGE_VIEW');
/** Injection token of the resolved AdminApiOptions. */
export const ADMIN_API_OPTIONS = Symbol('ADMIN_API_OPTIONS');
