// What Deno supplies at the edge: the FFI types numabind uses, libc over Deno.dlopen, and the
// system port that reads /proc and /sys through it.
export * from "./ffi.ts";
export * from "./libc.ts";
export * from "./system.ts";
