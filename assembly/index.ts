// The engine's exports. Pure: no imports, no I/O; the host passes every fact in.
export * from "./nodemask";
export * from "./planner";
