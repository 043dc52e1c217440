import { readTopology } from "../../../host/mod.ts";
import { guestShape } from "./guest_shape.ts";

// Refuses to run on a machine that is not the guest it was written for: a one-node host would
// fail every placement check for a reason that has nothing to do with the code under test.
export default function setup(): void {
  const shape = guestShape();
  const t = readTopology();
  const withMemory = t.withMemory.toArray();
  const want = Array.from({ length: shape.nodes }, (_, i) => i);
  if (withMemory.join() !== want.join() || t.nodes.length !== shape.nodes + shape.memorylessNodes) {
    throw new Error(
      `The numa-vm suite expects ${shape.nodes} nodes with memory (${want.join(",")}) and ${shape.memorylessNodes} without; ` +
      `this machine has ${t.nodes.length} nodes, with memory ${t.withMemory.toList() || "none"}`,
    );
  }
}
