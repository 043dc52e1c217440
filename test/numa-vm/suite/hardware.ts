// `numabind hardware` and topology() against the shape QEMU was given; used by every shape.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect } from "vitest";
import { topology } from "../../../host/mod.ts";
import type { GuestShape } from "./guest_shape.ts";

const root = join(import.meta.dirname, "..", "..", "..");

/**
 * Runs the built CLI, as a user would.
 * @example
 * ```ts
 * expect(hardwareOutput()).toMatch(/^available: 4 nodes/);
 * ```
 */
export function hardwareOutput(): string {
  return execFileSync(process.execPath, [join(root, "dist/cli/main.js"), "hardware"], { encoding: "utf8" });
}

/**
 * The distance matrix printed under "node distances:", as numbers.
 * @example
 * ```ts
 * parseDistances("node distances:\nnode   0   1\n  0:  10  16\n  1:  16  10\n");   // [[10, 16], [16, 10]]
 * ```
 */
export function parseDistances(out: string): number[][] {
  const lines = out.split("\n");
  const at = lines.indexOf("node distances:");
  expect(at).toBeGreaterThanOrEqual(0);
  return lines.slice(at + 2).filter((l) => /^\s*\d+:/.test(l)).map((l) => l.split(":")[1]!.trim().split(/\s+/).map(Number));
}

/**
 * Checks the CLI's text and topology() against the guest shape, node by node.
 * @example
 * ```ts
 * test("hardware", () => expectHardwareMatches(guestShape()));
 * ```
 */
export function expectHardwareMatches(shape: GuestShape): void {
  const total = shape.nodes + shape.memorylessNodes;
  const out = hardwareOutput();
  expect(out).toMatch(new RegExp(`^available: ${total} nodes \\(0-${total - 1}\\)$`, "m"));
  for (let i = 0; i < total; i++) {
    expect(out).toMatch(new RegExp(`^node ${i} cpus: ${i}$`, "m"));
    const size = Number(new RegExp(`^node ${i} size: (\\d+) MB$`, "m").exec(out)?.[1]);
    // The firmware and kernel keep some of each node's memory; node 0 holds the kernel image.
    if (i < shape.nodes) expect(size).toBeGreaterThan(shape.memPerNodeMiB * 0.75);
    if (i < shape.nodes) expect(size).toBeLessThanOrEqual(shape.memPerNodeMiB);
    else expect(size).toBe(0);
  }
  expect(parseDistances(out)).toEqual(shape.distances);

  const t = topology();
  expect(t.nodes.map((n) => n.id)).toEqual(Array.from({ length: total }, (_, i) => i));
  for (const n of t.nodes) {
    expect(n.cpus).toEqual([n.id]);
    expect(Object.values(n.distances)).toEqual(shape.distances[n.id]);
  }
}
