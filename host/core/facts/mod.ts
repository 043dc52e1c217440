// What holds on this machine and for this process, in numabind's own terms: the NUMA topology,
// the kernel facts the rules depend on, and parsed numa_maps entries.
export * from "./topology.ts";
export * from "./kernel_facts.ts";
export * from "./numa_maps.ts";
