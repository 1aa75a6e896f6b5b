/** Injection token of the gateway's edge settings (EdgeConfig), for features that enforce one of them (e.g. live-output limits). */
export const EDGE_CONFIG = Symbol('EDGE_CONFIG');
