// Runtime-neutral core: the API over an abstract backend. The package entry (host/mod.ts)
// binds it to the backend chosen for the runtime.
export * from "./backend.ts";
export * from "./bind.ts";
export * from "./engine.ts";
export * from "./engine_control.ts";
export * from "./errors.ts";
export * from "./get_policy.ts";
export * from "./kernel_facts.ts";
export * from "./kernel_list.ts";
export * from "./kernel_rules.ts";
export * from "./node_context.ts";
export * from "./nodemask.ts";
export * from "./nodestring_error.ts";
export * from "./numa_maps.ts";
export * from "./numabind.ts";
export * from "./oci_policy.ts";
export * from "./plan.ts";
export * from "./plan_errors.ts";
export * from "./plan_options.ts";
export * from "./policy.ts";
export * from "./target.ts";
export * from "./topology.ts";
export * from "./compare_numa_maps.ts";
export * from "./kernel_policy_text.ts";
export * from "./context.ts";
