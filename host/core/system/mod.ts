// Reading the system: the port the runtime supplies, and every reader of /proc and /sys that
// returns plain values (numbers, strings, id lists). Readers that build numabind's own types
// (topology, kernel facts, numa_maps entries) live in ../facts.
export * from "./port.ts";
export * from "./kernel_files.ts";
export * from "./kernel_list.ts";
export * from "./node_ids.ts";
export * from "./proc_facts.ts";
export * from "./proc_maps.ts";
