// The control block: plan options and process facts, written by the host (abi.ts CTL_*).
// It lives in static data so that validate_mbind works without any plan in flight.
import {
  CTL_BALANCING, CTL_BLOCK, CTL_BLOCK_MODE, CTL_CAPS, CTL_CHUNK, CTL_HUGE, CTL_KERNEL_PAGE,
  CTL_MAP_COUNT, CTL_MAX_MAP, CTL_MAX_NUMNODES, CTL_MPOL_MAX, CTL_OVERLAP, CTL_PAGE_SIZE,
  CTL_SIZE, CTL_WEIGHT_MODES, MPOL_BIND, MPOL_MAX, MPOL_PREFERRED_MANY, MPOL_WEIGHTED_INTERLEAVE,
} from "./abi";

// Defaults describe this kernel generation (6.10+, MAX_NUMNODES 1024, 4 KiB pages), so a host
// that writes nothing still gets the kernel's rules; every host writes real facts.
// One u32 per 4 bytes of CTL_SIZE, in CTL_* order (the u64 fields take two).
const CTL: usize = memory.data<u32>([
  4096, 4096, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
  1024, 0, MPOL_MAX, (1 << MPOL_BIND) | (1 << MPOL_PREFERRED_MANY),
  1 << MPOL_WEIGHTED_INTERLEAVE, 0,
], 8);

/** Address of the control block (CTL_SIZE bytes). */
export function plan_control(): usize {
  return CTL;
}

/** Size of the control block, so the host can check it agrees with abi.ts. */
export function plan_control_size(): u32 {
  return <u32>CTL_SIZE;
}

// @ts-ignore: decorator
@inline export function ctlPageSize(): u32 { return load<u32>(CTL + CTL_PAGE_SIZE); }
// @ts-ignore: decorator
@inline export function ctlKernelPage(): u32 { return load<u32>(CTL + CTL_KERNEL_PAGE); }
// @ts-ignore: decorator
@inline export function ctlOverlap(): u32 { return load<u32>(CTL + CTL_OVERLAP); }
// @ts-ignore: decorator
@inline export function ctlBlockMode(): u32 { return load<u32>(CTL + CTL_BLOCK_MODE); }
// @ts-ignore: decorator
@inline export function ctlChunk(): u64 { return load<u64>(CTL + CTL_CHUNK); }
// @ts-ignore: decorator
@inline export function ctlBlock(): u64 { return load<u64>(CTL + CTL_BLOCK); }
// @ts-ignore: decorator
@inline export function ctlHuge(): u64 { return load<u64>(CTL + CTL_HUGE); }
// @ts-ignore: decorator
@inline export function ctlMaxMap(): u32 { return load<u32>(CTL + CTL_MAX_MAP); }
// @ts-ignore: decorator
@inline export function ctlMapCount(): u32 { return load<u32>(CTL + CTL_MAP_COUNT); }
// @ts-ignore: decorator
@inline export function ctlMaxNumNodes(): u32 { return load<u32>(CTL + CTL_MAX_NUMNODES); }
// @ts-ignore: decorator
@inline export function ctlCaps(): u32 { return load<u32>(CTL + CTL_CAPS); }
// @ts-ignore: decorator
@inline export function ctlMpolMax(): u32 { return load<u32>(CTL + CTL_MPOL_MAX); }
// @ts-ignore: decorator
@inline export function ctlBalancing(): u32 { return load<u32>(CTL + CTL_BALANCING); }
// @ts-ignore: decorator
@inline export function ctlWeightModes(): u32 { return load<u32>(CTL + CTL_WEIGHT_MODES); }
