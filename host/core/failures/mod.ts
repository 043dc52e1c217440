// Failed ops of a batch: where each failed (read back from the kernel), which request it
// belongs to, and the BatchFailure that says so.
export * from "./batch_failures.ts";
export * from "./locate_failures.ts";
export * from "./failure_site.ts";
export * from "./request_index.ts";
