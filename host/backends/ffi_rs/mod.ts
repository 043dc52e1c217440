// The Node backend: ffi-rs over libc and the C batch shim (build/libnumabind.so).
export * from "./open.ts";
export * from "./lib.ts";
export * from "./lock.ts";
export * from "./pin.ts";
export * from "./warm.ts";
