import { expect, test } from "vitest";
import { topology } from "../../../../host/mod.ts";
import { guestShape } from "../guest_shape.ts";
import { expectHardwareMatches } from "../hardware.ts";

test("numabind hardware shows the guest's 4 nodes, their CPUs and memory, and the distances QEMU was given", () => {
  expectHardwareMatches(guestShape());
});

test("topology() sees every node with memory, online and allowed", () => {
  const t = topology();
  for (const set of [t.online, t.withMemory, t.withCpus, t.memsAllowed]) expect(set.toList()).toBe("0-3");
});
