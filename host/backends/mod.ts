// The ways of reaching the kernel, and the one choice among them made at load.
export * from "./open_backend.ts";
export * from "./unavailable.ts";
export * from "./syscall_numbers.ts";
export * from "./ffi_rs/mod.ts";
export * from "./node_api/mod.ts";
