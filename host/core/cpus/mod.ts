// CPU sets: the Cpumask type (Nodemask's formats, the kernel's cpumask layout) and the CPU
// facts of this machine and task (possible, online, the cpuset).
export * from "./cpumask.ts";
export * from "./cpu_facts.ts";
