// Applying a plan: the lean path of one bind(), the one-crossing batch, the careful path
// (snapshot, skip, slices with progress, rollback), and what a result keeps for verify().
export * from "./batch_result.ts";
export * from "./apply_plan.ts";
export * from "./careful_batch.ts";
export * from "./lean_bind.ts";
export * from "./expectations.ts";
export * from "./op_snapshot.ts";
export * from "./rollback.ts";
export * from "./skip_unchanged.ts";
export * from "./op_digest.ts";
export * from "./apply_ops.ts";
export * from "./home_nodes.ts";
