// @ts-check
// Boots a multi-node guest under QEMU (software emulation: KVM is not usable on these
// machines), runs one command in it over the host's own root, and returns its status and
// output. The guest sees the host's files read-only with a tmpfs on top, so it runs the host's
// node against the checkout as it is, and nothing it writes reaches the host except the status.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureInitramfs, pickKernel } from "./initramfs.mjs";

/**
 * @typedef {object} GuestShape
 * @property {number} [nodes] NUMA nodes with memory and one CPU each (default 4)
 * @property {number} [memorylessNodes] extra nodes after them with one CPU and no memory (default 0)
 * @property {number} [memPerNodeMiB] memory of each node with memory (default 512)
 */

/**
 * @typedef {object} GuestOptions
 * @property {number} [timeoutMs] QEMU is killed after this long (default 300 s)
 * @property {string} [cwd] directory the command starts in (default: this process's)
 * @property {Record<string, string>} [env] added to the command's environment
 * @property {(text: string) => void} [onOutput] called with the command's output as it arrives
 * @property {(line: string) => void} [log] progress lines of the harness itself
 * @property {boolean} [debug] full kernel log level, and the whole console in `console`
 * @property {number} [bootAttempts] boots tried in all when the guest kernel panics before the
 *   command starts (default 3; see diedBeforeCommand)
 * @property {{ version: string, vmlinuz: string, modulesDir: string }} [kernel] the kernel to boot
 *   (default: the newest installed one, pickKernel())
 */

/**
 * @typedef {object} GuestResult
 * @property {number | null} status the command's exit status; null when it never finished
 * @property {string} output what the command printed (stdout and stderr), \r removed
 * @property {string} console the whole serial console, boot messages included
 * @property {boolean} timedOut true when QEMU was killed at timeoutMs
 * @property {number} bootMs from starting QEMU to the command starting (NaN if it never did)
 * @property {number} ms from starting QEMU to QEMU's exit, over every boot
 * @property {Record<string, string>} files what the command wrote into $NUMA_VM_OUT, by name
 * @property {string[]} deadBoots the console's last lines for each boot whose kernel panicked
 *   before the command started, and that was booted again
 */

/**
 * Distance between nodes i and j as the guest's firmware reports it: 10 on the node, 16 to a
 * neighbour on a ring, 22 further away, so a test can tell the matrix came from here and not
 * from a default (QEMU's own default is 20 everywhere).
 * @param {number} i @param {number} j @param {number} n nodes on the ring
 * @example
 * ```js
 * [guestDistance(0, 0, 4), guestDistance(0, 3, 4), guestDistance(0, 2, 4)];   // [10, 16, 22]
 * ```
 */
export function guestDistance(i, j, n) {
  if (i === j) return 10;
  const d = Math.abs(i - j);
  return Math.min(d, n - d) === 1 ? 16 : 22;
}

/**
 * Resolved shape with its defaults.
 * @param {GuestShape} s
 * @example
 * ```js
 * resolveShape({ memorylessNodes: 1 });   // { nodes: 4, memorylessNodes: 1, memPerNodeMiB: 512 }
 * ```
 */
export function resolveShape(s = {}) {
  return { nodes: s.nodes ?? 4, memorylessNodes: s.memorylessNodes ?? 0, memPerNodeMiB: s.memPerNodeMiB ?? 512 };
}

/**
 * The shape as the guest suite reads it from NUMA_VM_SHAPE: the resolved counts plus the
 * distance matrix QEMU is given.
 * @param {GuestShape} s
 * @example
 * ```js
 * describeShape({ nodes: 2 }).distances;   // [[10, 16], [16, 10]]
 * ```
 */
export function describeShape(s = {}) {
  const r = resolveShape(s);
  const n = r.nodes + r.memorylessNodes;
  return { ...r, distances: Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => guestDistance(i, j, n))) };
}

/**
 * QEMU's arguments for a guest of this shape.
 * @param {GuestShape} shape
 * @param {{ vmlinuz: string, initrd: string, outDir: string, debug?: boolean }} files
 * @returns {string[]}
 * @example
 * ```js
 * qemuArgs({ nodes: 4 }, { vmlinuz, initrd, outDir }).join(" ");   // "... -numa node,nodeid=3,cpus=3,memdev=m3 ..."
 * ```
 */
export function qemuArgs(shape, files) {
  const { nodes, memorylessNodes, memPerNodeMiB } = resolveShape(shape);
  const total = nodes + memorylessNodes;
  const args = [
    "-accel", "tcg", "-cpu", "max", "-smp", String(total), "-m", `${nodes * memPerNodeMiB}M`,
    "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-serial", "stdio",
  ];
  for (let k = 0; k < nodes; k++) {
    args.push("-object", `memory-backend-ram,id=m${k},size=${memPerNodeMiB}M`, "-numa", `node,nodeid=${k},cpus=${k},memdev=m${k}`);
  }
  for (let k = nodes; k < total; k++) args.push("-numa", `node,nodeid=${k},cpus=${k}`);
  for (let i = 0; i < total; i++) {
    for (let j = 0; j < total; j++) if (i !== j) args.push("-numa", `dist,src=${i},dst=${j},val=${guestDistance(i, j, total)}`);
  }
  // numa_balancing=disable: the scanner would move default-policy pages after the thread that
  // touches them, and the suite checks exact placement. i8042.*: no probing for a keyboard.
  const cmdline = [
    "console=ttyS0", "panic=-1", files.debug ? "loglevel=7" : "loglevel=1", "numa_balancing=disable",
    "mitigations=off", "i8042.noaux", "i8042.nokbd", "i8042.nopnp", "tsc=reliable", "no_timer_check", "rdinit=/init",
  ];
  args.push(
    "-kernel", files.vmlinuz, "-initrd", files.initrd, "-append", cmdline.join(" "),
    "-virtfs", "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap",
    // QEMU's option parser takes ",," for a comma inside a value.
    "-virtfs", `local,path=${files.outDir.replaceAll(",", ",,")},mount_tag=numavmout,security_model=none`,
  );
  return args;
}

/** @param {string} s */
const shellQuote = (s) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * The script the guest runs inside the host's root: environment, directory, command.
 * @param {string | string[]} cmd a shell command, or an argv to run as it is
 * @param {string} cwd
 * @param {Record<string, string>} env
 * @example
 * ```js
 * commandScript(["node", "-e", "1"], "/src", { CI: "1" });
 * // "set -e\nexport CI='1'\ncd '/src'\nset +e\nexec 'node' '-e' '1'\n"
 * ```
 */
export function commandScript(cmd, cwd, env) {
  const lines = ["set -e"];
  for (const [k, v] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TypeError(`Cannot run in the guest: env name must be a shell identifier, current value is ${k}`);
    lines.push(`export ${k}=${shellQuote(v)}`);
  }
  lines.push(`cd ${shellQuote(cwd)}`, "set +e");
  lines.push(Array.isArray(cmd) ? `exec ${cmd.map(shellQuote).join(" ")}` : cmd);
  return lines.join("\n") + "\n";
}

/**
 * True when the guest's own kernel panicked before the command started, so none of the
 * project's code ran in it and booting again is the whole remedy. Under software emulation
 * Linux 6.12 does so now and then (1 of 148 boots counted here, and once in CI): an oops
 * 2-3 s into boot with the instruction pointer one byte into an instruction the kernel has just
 * patched live, which looks like QEMU's emulator and the kernel's text patching across vCPUs
 * disagreeing. PID 1 dying ("Attempted to kill init") is the harness's own failure and is not
 * retried; neither is a timeout, nor anything after the command's start marker.
 * @param {{ console: string, bootMs: number, timedOut: boolean }} run
 * @example
 * ```js
 * diedBeforeCommand({ console: "[ 2.08] Kernel panic - not syncing: Fatal exception in interrupt", bootMs: NaN, timedOut: false });   // true
 * ```
 */
export function diedBeforeCommand(run) {
  if (!Number.isNaN(run.bootMs) || run.timedOut) return false;
  const m = /Kernel panic - not syncing: (.*)/.exec(run.console);
  return m !== null && !m[1].startsWith("Attempted to kill init");
}

/**
 * The console's last lines, for a log.
 * @param {string} text @param {number} [lines]
 * @example
 * ```js
 * consoleTail("a\nb\nc", 2);   // "b\nc"
 * ```
 */
export const consoleTail = (text, lines = 40) => text.split("\n").slice(-lines).join("\n");

/**
 * Boots with `bootOnce` until a boot is not one that diedBeforeCommand, at most `attempts` times
 * within `timeoutMs` in all, and logs each boot that died with the end of its console.
 * @template {{ console: string, bootMs: number, timedOut: boolean, ms: number }} R
 * @param {(timeoutMs: number) => Promise<R>} bootOnce one boot, given the time left
 * @param {{ attempts: number, timeoutMs: number, log?: (line: string) => void }} opts
 * @returns {Promise<{ run: R, deadBoots: string[] }>} the last boot, and the console tails of the dead ones
 * @example
 * ```js
 * const { run, deadBoots } = await bootUntilCommand((ms) => boot(args, nonce, ms), { attempts: 3, timeoutMs: 600_000 });
 * ```
 */
export async function bootUntilCommand(bootOnce, opts) {
  const deadline = performance.now() + opts.timeoutMs;
  /** @type {string[]} */
  const deadBoots = [];
  let run = await bootOnce(opts.timeoutMs);
  while (diedBeforeCommand(run) && deadBoots.length + 1 < opts.attempts && deadline - performance.now() > 0) {
    deadBoots.push(consoleTail(run.console));
    opts.log?.(`numa-vm: the guest kernel panicked ${(run.ms / 1000).toFixed(1)} s into boot, before the command started; ` +
      `booting again (attempt ${deadBoots.length + 1} of ${opts.attempts}). The end of its console:\n${deadBoots.at(-1)}`);
    run = await bootOnce(deadline - performance.now());
  }
  return { run, deadBoots };
}

/**
 * Boots a guest of the given shape, runs `cmd` in it (through /bin/sh, in `cwd`, as root), and
 * returns its exit status and output. Never throws for the command's own failure; throws only
 * when QEMU cannot be started at all.
 * @param {string | string[]} cmd
 * @param {GuestOptions & GuestShape} [opts]
 * @returns {Promise<GuestResult>}
 * @example
 * ```js
 * const r = await runInGuest("cat /sys/devices/system/node/online", { nodes: 4 });
 * r.status;            // 0
 * r.output.trim();     // "0-3"
 * ```
 */
export async function runInGuest(cmd, opts = {}) {
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const kernel = opts.kernel ?? pickKernel();
  const initrd = ensureInitramfs(kernel, opts.log ? { log: opts.log } : {}).path;
  const outDir = mkdtempSync(join(tmpdir(), "numa-vm-out-"));
  const nonce = randomBytes(8).toString("hex");
  const env = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin", HOME: "/root", LANG: "C.UTF-8", TERM: "dumb",
    NUMA_VM_SHAPE: JSON.stringify(describeShape(opts)), NUMA_VM_OUT: "/numa-vm-out", ...opts.env,
  };
  try {
    writeFileSync(join(outDir, "cmd.sh"), commandScript(cmd, opts.cwd ?? process.cwd(), env));
    writeFileSync(join(outDir, "nonce"), nonce);
    const args = qemuArgs(opts, { vmlinuz: kernel.vmlinuz, initrd, outDir, debug: !!opts.debug });
    const started = performance.now();
    const { run, deadBoots } = await bootUntilCommand((ms) => boot(args, nonce, ms, opts.onOutput), {
      attempts: opts.bootAttempts ?? 3, timeoutMs, ...(opts.log ? { log: opts.log } : {}),
    });
    let status = null;
    const statusFile = join(outDir, "status");
    if (existsSync(statusFile)) status = Number(readFileSync(statusFile, "utf8").trim());
    else if (run.endStatus !== undefined) status = run.endStatus;
    /** @type {Record<string, string>} */
    const files = {};
    for (const f of readdirSync(outDir)) {
      if (!["cmd.sh", "nonce", "status"].includes(f)) files[f] = readFileSync(join(outDir, f), "utf8");
    }
    let consoleText = run.console;
    if (status === null && !run.timedOut && run.exit !== 0 && run.stderr) consoleText += `\n[qemu exited ${run.exit}] ${run.stderr.trim()}`;
    return { status, output: run.output, console: consoleText, timedOut: run.timedOut, bootMs: run.bootMs, ms: performance.now() - started, files, deadBoots };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * Runs QEMU to its exit (or kills it at timeoutMs) and cuts the command's output out of the
 * console between the markers init.sh prints.
 * @param {string[]} args
 * @param {string} nonce
 * @param {number} timeoutMs
 * @param {((text: string) => void) | undefined} onOutput
 */
async function boot(args, nonce, timeoutMs, onOutput) {
  const begin = `@@numa-vm:begin:${nonce}@@`;
  const endRe = new RegExp(`@@numa-vm:end:${nonce}:(\\d+)@@`);
  const t0 = performance.now();
  const qemu = spawn("qemu-system-x86_64", args, { stdio: ["ignore", "pipe", "pipe"] });
  let text = "", stderr = "", bootMs = NaN, streamed = 0, timedOut = false;
  /** Output between the markers, as far as it has arrived (a partial last line is held back). */
  const commandOutput = (final = false) => {
    const s = text.indexOf(begin);
    if (s < 0) return "";
    const from = text.indexOf("\n", s) + 1;
    const e = text.search(endRe);
    const to = e >= 0 ? e : final ? text.length : text.lastIndexOf("\n") + 1;
    return to > from ? text.slice(from, to) : "";
  };
  const stream = (/** @type {boolean} */ final) => {
    if (!onOutput) return;
    const out = commandOutput(final);
    if (out.length > streamed) onOutput(out.slice(streamed));
    streamed = Math.max(streamed, out.length);
  };
  qemu.stdout.setEncoding("utf8");
  qemu.stdout.on("data", (/** @type {string} */ chunk) => {
    text += chunk.replaceAll("\r", "");
    if (Number.isNaN(bootMs) && text.includes(begin)) bootMs = performance.now() - t0;
    stream(false);
  });
  qemu.stderr.setEncoding("utf8");
  qemu.stderr.on("data", (/** @type {string} */ chunk) => { stderr += chunk; });
  const timer = setTimeout(() => { timedOut = true; qemu.kill("SIGKILL"); }, timeoutMs);
  /** @type {number | null} */
  const exit = await new Promise((resolve, reject) => {
    qemu.on("error", reject);
    qemu.on("close", (code) => resolve(code));
  }).finally(() => clearTimeout(timer));
  stream(true);
  const m = endRe.exec(text);
  return {
    exit, stderr, timedOut, bootMs, ms: performance.now() - t0, console: text, output: commandOutput(true),
    endStatus: m ? Number(m[1]) : undefined,
  };
}
