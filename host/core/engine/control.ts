import * as abi from "../../../assembly/abi.ts";
import type { Engine } from "./engine.ts";

/** Everything the engine's control block holds (abi.ts CTL_*), in host terms. */
export interface ControlValues {
  /** Alignment granule (PlanOptions.pageSize). */
  pageSize: number;
  /** The kernel's base page size. */
  kernelPageSize: number;
  overlapError?: boolean;
  /** MPOL_PREFERRED or MPOL_BIND. */
  blockMode?: number;
  chunk?: bigint;
  block?: bigint;
  /** Huge page size when hugePageAlign is on, else 0. */
  huge?: bigint;
  /** 0 turns the VMA budget off. */
  maxMapCount?: number;
  mapCount?: number;
  maxNumNodes: number;
  capSysNice: boolean;
  mpolMax: number;
  balancingModes: number;
  weightModes?: number;
}

/**
 * Writes the control block before plan_run or validate_mbind.
 * @example
 * ```ts
 * writeControl(engine, { pageSize: 4096, kernelPageSize: 4096, maxNumNodes: 1024, capSysNice: true, mpolMax: 7, balancingModes: 0x24 });
 * ```
 */
export function writeControl(e: Engine, c: ControlValues): void {
  const dv = e.view(), at = e.x.plan_control();
  dv.setUint32(at + abi.CTL_PAGE_SIZE, c.pageSize, true);
  dv.setUint32(at + abi.CTL_KERNEL_PAGE, c.kernelPageSize, true);
  dv.setUint32(at + abi.CTL_OVERLAP, c.overlapError ? abi.OVERLAP_ERROR : abi.OVERLAP_LAST_WINS, true);
  dv.setUint32(at + abi.CTL_BLOCK_MODE, c.blockMode ?? abi.MPOL_PREFERRED, true);
  dv.setBigUint64(at + abi.CTL_CHUNK, c.chunk ?? 0n, true);
  dv.setBigUint64(at + abi.CTL_BLOCK, c.block ?? 0n, true);
  dv.setBigUint64(at + abi.CTL_HUGE, c.huge ?? 0n, true);
  dv.setUint32(at + abi.CTL_MAX_MAP, c.maxMapCount ?? 0, true);
  dv.setUint32(at + abi.CTL_MAP_COUNT, c.mapCount ?? 0, true);
  dv.setUint32(at + abi.CTL_MAX_NUMNODES, c.maxNumNodes, true);
  dv.setUint32(at + abi.CTL_CAPS, c.capSysNice ? abi.CAPS_SYS_NICE : 0, true);
  dv.setUint32(at + abi.CTL_MPOL_MAX, c.mpolMax, true);
  dv.setUint32(at + abi.CTL_BALANCING, c.balancingModes, true);
  dv.setUint32(at + abi.CTL_WEIGHT_MODES, c.weightModes ?? 1 << abi.MPOL_WEIGHTED_INTERLEAVE, true);
}
