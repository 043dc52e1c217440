// Workers placed on nodes (Node.js worker_threads): pinned to a node's CPUs, with a thread
// memory policy set before their own code runs. Built on the public API only.
export * from "./placement_plan.ts";
export * from "./spawn_on_node.ts";
