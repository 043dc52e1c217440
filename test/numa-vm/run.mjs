#!/usr/bin/env node
// @ts-check
// `npm run test:numa`: the placement suite on a real multi-node kernel. Installs the guest's
// Debian packages if missing, builds the project, then boots one QEMU guest per shape and runs
// that shape's vitest files inside it, all in one vitest run per guest.
//
// Exit status: 0 all passed; 1 a test failed or a guest did not finish; 77 (the usual "skipped"
// code) when the packages cannot be installed here, with one line saying why.
//   --no-build      skip `npm run build` (CI has just built for the main suite)
//   --shape NAME    run one guest only (four_nodes, memoryless, four_nodes_6_12)
//   --exec CMD      run CMD (a shell command) in the guest instead of the suite, print its
//                   output and exit with its status: for looking around in the guest
//   NUMA_VM_TIMEOUT_S   per-guest limit in seconds (default 1080: the 4-node guest took 663 s
//                       on a slow VM, numactl's regress 260 s of it, mostly 24 starts of
//                       the CLI under emulation and 64 s of sleeps for numastat)
//   NUMA_VM_DEBUG=1     the guest kernel's full log on failure
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { consoleTail, runInGuest } from "./guest.mjs";
import { ensureNumactlScripts } from "./numactl_scripts.mjs";
import { ensureBackportsKernel, ensurePackages, PackagesUnavailable } from "./packages.mjs";

const SKIPPED = 77;

/**
 * Guests: a shape, the kernel it boots (the installed Debian kernel, or bookworm-backports'
 * 6.12 fetched by the harness), and the suite folders it runs (test/numa-vm/suite/<folder>).
 */
const SHAPES = {
  four_nodes: { nodes: 4, memorylessNodes: 0, boots: "installed", suites: ["four_nodes", "numactl_scripts"] },
  memoryless: { nodes: 4, memorylessNodes: 1, boots: "installed", suites: ["memoryless"] },
  four_nodes_6_12: { nodes: 4, memorylessNodes: 0, boots: "backports", suites: ["four_nodes", "kernel_6_12", "bench"] },
};

const root = join(import.meta.dirname, "..", "..");
const args = process.argv.slice(2);
const log = (/** @type {string} */ s) => process.stdout.write(s + "\n");
const secs = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  const t0 = performance.now();
  try {
    const { installed, ms } = ensurePackages({ log });
    if (installed.length) log(`numa-vm: installed ${installed.join(" ")} in ${secs(ms)}`);
  } catch (e) {
    if (!(e instanceof PackagesUnavailable)) throw e;
    log(`numa-vm: skipped, the guest's packages cannot be installed here: ${e.message}`);
    return SKIPPED;
  }
  if (!args.includes("--no-build")) {
    const tb = performance.now();
    const run = (/** @type {string} */ cmd) => execSync(cmd, { cwd: root, stdio: "inherit" });
    if (!existsSync(join(root, "node_modules", "vitest"))) run("npm ci");
    else run("npm run --silent build");
    log(`numa-vm: built the project in ${secs(performance.now() - tb)}`);
  }
  const only = args.includes("--shape") ? args[args.indexOf("--shape") + 1] : undefined;
  const names = Object.keys(SHAPES).filter((n) => !only || n === only);
  if (names.length === 0) throw new Error(`Cannot run: --shape must be one of ${Object.keys(SHAPES).join(", ")}, current value is ${only}`);

  const timeoutMs = Number(process.env.NUMA_VM_TIMEOUT_S ?? 1080) * 1000;
  const debug = process.env.NUMA_VM_DEBUG === "1";
  if (args.includes("--exec")) {
    const cmd = args[args.indexOf("--exec") + 1];
    if (!cmd) throw new Error("Cannot run: --exec needs a shell command, current value is nothing");
    const s0 = SHAPES[/** @type {keyof typeof SHAPES} */ (names[0])];
    const k0 = s0.boots === "backports" ? { kernel: ensureBackportsKernel({ log }) } : {};
    const r = await runInGuest(cmd, { ...s0, ...k0, cwd: root, timeoutMs, debug, log, onOutput: (s) => process.stdout.write(s) });
    if (r.status === null) log(consoleTail(r.console));
    return r.status ?? 1;
  }
  const totals = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  let ok = true;
  for (const name of names) {
    const shape = SHAPES[/** @type {keyof typeof SHAPES} */ (name)];
    /** @type {{ version: string, vmlinuz: string, modulesDir: string } | undefined} */
    let kernel;
    if (shape.boots === "backports") {
      try {
        kernel = ensureBackportsKernel({ log });
      } catch (e) {
        if (!(e instanceof PackagesUnavailable)) throw e;
        log(`numa-vm: ${name}: skipped, the backports kernel cannot be fetched here: ${e.message}`);
        continue;
      }
    }
    /** @type {Record<string, string>} */
    const env = {};
    let suites = shape.suites;
    if (suites.includes("numactl_scripts")) {
      try {
        const { srcdir, builddir } = ensureNumactlScripts(root, { log });
        Object.assign(env, { NUMA_VM_NUMACTL_SRC: srcdir, NUMA_VM_NUMACTL_BUILD: builddir });
      } catch (e) {
        if (!(e instanceof PackagesUnavailable)) throw e;
        log(`numa-vm: ${name}: numactl's scripts skipped, Debian's numactl source cannot be fetched here: ${e.message}`);
        suites = suites.filter((s) => s !== "numactl_scripts");
      }
    }
    log(`\nnuma-vm: ${name}: booting a guest with ${shape.nodes} nodes with memory` +
      (shape.memorylessNodes ? ` and ${shape.memorylessNodes} without` : "") + ` on ${kernel ? `Linux ${kernel.version}` : "the installed kernel"} (QEMU, software emulation)`);
    const r = await runInGuest(
      [process.execPath, "node_modules/vitest/vitest.mjs", "run", "--config", "test/numa-vm/vitest.config.ts",
        "--reporter=default", "--reporter=json", "--outputFile.json=/numa-vm-out/report.json", ...suites.map((s) => `test/numa-vm/suite/${s}/`)],
      { ...shape, ...(kernel ? { kernel } : {}), env, cwd: root, timeoutMs, debug, log, onOutput: (s) => process.stdout.write(s) },
    );
    const counts = reportCounts(r.files["report.json"]);
    if (counts) for (const k of /** @type {(keyof typeof totals)[]} */ (Object.keys(totals))) totals[k] += counts[k];
    log(`numa-vm: ${name}: ${r.timedOut ? `timed out after ${secs(timeoutMs)}` : `exit ${r.status ?? "none"}`}; ` +
      `boot to command ${Number.isNaN(r.bootMs) ? "never reached" : secs(r.bootMs)}, guest in all ${secs(r.ms)}` +
      (r.deadBoots.length ? `; ${r.deadBoots.length} earlier boot(s) ended in a kernel panic before the suite started` : ""));
    if (r.status !== 0 || !counts) {
      ok = false;
      if (r.status === null || !counts) {
        log(`numa-vm: ${name}: the guest did not finish the suite; the end of its console:`);
        log(consoleTail(r.console));
      }
    }
  }
  log(`\nnuma-vm: all guests in ${secs(performance.now() - t0)}` + (totals.todo ? `; ${totals.todo} cases still todo` : ""));
  // The plain closing line: "N passed, N failed", counted over every guest.
  log(`numa-vm: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return ok && totals.failed === 0 ? 0 : 1;
}

/**
 * Test counts from vitest's JSON report, or undefined when there is none.
 * @param {string | undefined} json
 */
function reportCounts(json) {
  if (!json) return undefined;
  try {
    const r = JSON.parse(json);
    return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests, todo: r.numTodoTests };
  } catch {
    return undefined;
  }
}

process.exitCode = await main();
