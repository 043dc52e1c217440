// Calls through the backend, one concern each: reading policies, locating and moving pages,
// mapping memory, pacing long calls, and explaining what the kernel answered.
export * from "./get_policy.ts";
export * from "./reported_policy.ts";
export * from "./move_pages.ts";
export * from "./page_status.ts";
export * from "./allocations.ts";
export * from "./kernel_error.ts";
export * from "./progress.ts";
