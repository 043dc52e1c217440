// Per-syscall events in Tracee's legacy shape, for an instance built with a trace.
export * from "./event.ts";
export { tracedBackend } from "./traced_backend.ts";
