// The harness's one retry: a guest whose own kernel panics before the command starts is booted
// again, and nothing else is. The console below is the end of a real one, from a CI run where
// Linux 6.12 died 2 s into boot under QEMU's software emulation.
import { expect, test } from "vitest";
import { bootUntilCommand, diedBeforeCommand } from "./guest.mjs";

const panicked = [
  "[    2.088018]  __mod_timer+0x26c/0x360",
  "[    2.088236]  rcu_gp_kthread+0xd7/0x190",
  "[    2.088995] RIP: 0010:enqueue_timer+0xa5/0x100",
  "[    2.089719] Kernel panic - not syncing: Fatal exception in interrupt",
].join("\n");
const initDied = "[    3.1] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100";
const dead = { console: panicked, bootMs: NaN, timedOut: false, ms: 4700 };
const booted = { console: "@@numa-vm:begin:x@@\nok\n", bootMs: 8000, timedOut: false, ms: 9000 };

test("diedBeforeCommand: only a kernel panic before the command's start marker, never PID 1's death or a timeout", () => {
  expect(diedBeforeCommand(dead)).toBe(true);
  expect(diedBeforeCommand({ ...dead, bootMs: 8000 })).toBe(false);
  expect(diedBeforeCommand({ ...dead, timedOut: true })).toBe(false);
  expect(diedBeforeCommand({ ...dead, console: initDied })).toBe(false);
  expect(diedBeforeCommand({ ...dead, console: "qemu-system-x86_64: -virtfs: bad option" })).toBe(false);
});

/** A stand-in for QEMU (a guest kernel cannot be made to panic on demand): boots in the given order. */
function scriptedBoots(runs: (typeof dead)[]) {
  const given: number[] = [];
  let k = 0;
  const bootOnce = async (ms: number) => { given.push(ms); return runs[Math.min(k++, runs.length - 1)]!; };
  return { bootOnce, given, count: () => k };
}

test("bootUntilCommand with a stand-in for QEMU: two kernel panics in boot, then a guest that runs the command", async () => {
  const boots = scriptedBoots([dead, dead, booted]);
  const lines: string[] = [];
  const { run, deadBoots } = await bootUntilCommand(boots.bootOnce, { attempts: 3, timeoutMs: 60_000, log: (l: string) => lines.push(l) });
  expect(run).toBe(booted);
  expect(boots.count()).toBe(3);
  expect(deadBoots).toEqual([panicked, panicked]);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/panicked 4\.7 s into boot, before the command started; booting again \(attempt 3 of 3\)/);
  expect(lines[1]).toContain("Fatal exception in interrupt");
  // Each boot after the first gets only the time that is left.
  expect(boots.given[0]).toBe(60_000);
  expect(boots.given[2]!).toBeLessThanOrEqual(boots.given[1]!);
  expect(boots.given[1]!).toBeLessThanOrEqual(60_000);
});

test("bootUntilCommand with a stand-in for QEMU: stops at its attempts, and never boots again after PID 1 died or a timeout", async () => {
  const always = scriptedBoots([dead]);
  const r = await bootUntilCommand(always.bootOnce, { attempts: 3, timeoutMs: 60_000 });
  expect(always.count()).toBe(3);
  expect(r.run).toBe(dead);
  expect(r.deadBoots).toHaveLength(2);

  for (const run of [{ ...dead, console: initDied }, { ...dead, timedOut: true }, booted]) {
    const once = scriptedBoots([run, booted]);
    const r1 = await bootUntilCommand(once.bootOnce, { attempts: 3, timeoutMs: 60_000 });
    expect(once.count()).toBe(1);
    expect(r1.run).toBe(run);
    expect(r1.deadBoots).toEqual([]);
  }
});
