// Checking a plan or a batch result against what the kernel reports now.
export * from "./verify.ts";
