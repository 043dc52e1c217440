// Planning: requests (objects or the RangeBatch column form) written as packed records,
// planned by the engine in one call against the kernel's rules and the VMA budget, and read
// back as ops. Pure: no syscall.
export * from "./types.ts";
export * from "./options.ts";
export * from "./plan.ts";
export * from "./range_batch.ts";
export * from "./kernel_rules.ts";
export * from "./check_policy.ts";
export * from "./vma_budget.ts";
export * from "./policy_content.ts";
