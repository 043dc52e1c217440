// The op-record codec: how a planned op (assembly/abi.ts OP_*) and its u64 fields lie in
// memory. Core writes and reads plans with it; backends read the ops they hand to the kernel.
export * from "./op_record.ts";
export * from "./u64.ts";
