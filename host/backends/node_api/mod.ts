// Single calls (one mbind, get_mempolicy, set_mempolicy) through the Node-API addon
// (build/numabind.node), which the ffi-rs backend uses where it was built.
export * from "./hooks.ts";
export * from "./addon.ts";
export * from "./mappings.ts";
