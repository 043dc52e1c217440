// The measuring side of `numabind bench` (Node only): runBench() and the report schema it
// fills. The CLI command and the HTML report build on these.
export { runBench, benchNodes } from "./run_bench.ts";
export type { BenchOptions } from "./options.ts";
export { BENCH_SCHEMA } from "./report_schema.ts";
export type {
  BatchSizeRow, BenchBinding, BenchEnvironment, BenchMatrix, BenchMigration, BenchPolicies, BenchReport, CellPlacement,
  MatrixCell, MigratePagesRow, MovePagesRow, PolicyRow, RowPlacement, Stat,
} from "./report_schema.ts";
export { checkPlacement, type PlacementExpectation } from "./placement_check.ts";
export { openKernels, type CKernels, type KernelsOpen } from "./kernels.ts";
export * from "./report/mod.ts";
