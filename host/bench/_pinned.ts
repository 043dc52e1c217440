// Running a step with the calling thread on one node's CPUs, and giving the thread its CPUs
// back afterwards, whatever the step does.
import { getAffinity, runOnNodes, setAffinity } from "../mod.ts";

/**
 * Runs `fn` with this thread pinned to `node`'s CPUs (the public runOnNodes), then restores the
 * affinity it had (setAffinity), also when `fn` throws. JavaScript's awaits resume on the same
 * thread, so an async `fn` stays pinned throughout.
 * @example Basic usage
 * ```ts
 * const before = getAffinity();
 * await onNode(0, async () => currentCpu().node);
 * assert(getAffinity().equals(before));
 * ```
 */
export async function onNode<T>(node: number, fn: () => Promise<T>): Promise<T> {
  const saved = getAffinity();
  runOnNodes([node]);
  try {
    return await fn();
  } finally {
    setAffinity(saved);
  }
}
