// The policy vocabulary: the one table of modes and mode flags, the shapes a caller writes a
// policy in (numabind's, numactl's names, OCI), their kernel form, node masks and nodestrings,
// and the policy text numa_maps prints.
export * from "./modes.ts";
export * from "./types.ts";
export * from "./policy.ts";
export * from "./oci_policy.ts";
export * from "./nodemask.ts";
export * from "./nodestring_error.ts";
export * from "./policy_text.ts";
