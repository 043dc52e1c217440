// The guest shape the harness booted, handed over in NUMA_VM_SHAPE (see ../guest.mjs), so the
// suite checks the topology against what QEMU was told rather than against numbers of its own.

/** Nodes, memory and distances of the guest this suite runs in. */
export interface GuestShape {
  /** Nodes 0..nodes-1 have memory and one CPU each. */
  nodes: number;
  /** Nodes nodes..nodes+memorylessNodes-1 have one CPU and no memory. */
  memorylessNodes: number;
  memPerNodeMiB: number;
  /** distances[i][j] as given to QEMU's -numa dist. */
  distances: number[][];
}

/**
 * The shape from NUMA_VM_SHAPE; throws when the suite is not running in the guest.
 * @example
 * ```ts
 * const { nodes } = guestShape();   // 4
 * ```
 */
export function guestShape(): GuestShape {
  const raw = process.env.NUMA_VM_SHAPE;
  if (!raw) {
    throw new Error("The numa-vm suite runs inside the multi-node guest: use `npm run test:numa` (NUMA_VM_SHAPE is not set)");
  }
  return JSON.parse(raw) as GuestShape;
}
