// Runs build/numabind-plan.wasm, the WASI build of the planner, on a JSON input under node:wasi
// or under Deno (the deno npm package's binary), as a user would run it.
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WASI } from "node:wasi";

const root = join(import.meta.dirname, "..", "..", "..");
export const wasm = join(root, "build", "numabind-plan.wasm");
export const deno = join(root, "node_modules", ".bin", "deno");
const runner = join(import.meta.dirname, "..", "fixtures", "wasi_runner.mjs");
const dir = mkdtempSync(join(process.env.NUMABIND_TEST_TMP ?? tmpdir(), "numabind-wasi-"));
let n = 0;

export type Runtime = "node" | "deno";
export interface WasiOp { addr: string; length: number; policy: Record<string, unknown>; flags: Record<string, boolean>; request: number }
export interface Output { ok: boolean; ops?: WasiOp[]; stats?: Record<string, number>; error?: Record<string, unknown> }

/** Runs the planner on `input` (an object or raw text); returns its exit status and output. */
export function runPlanner(rt: Runtime, input: unknown): { status: number; text: string; out: Output } {
  const inPath = join(dir, `in${++n}.json`), outPath = join(dir, `out${n}.json`);
  writeFileSync(inPath, typeof input === "string" ? input : JSON.stringify(input));
  const cmd = rt === "node" ? process.execPath : deno;
  const args = rt === "node" ? ["--no-warnings", runner, wasm, inPath, outPath]
    : ["run", "--quiet", "--allow-read", "--allow-write", "--no-prompt", runner, wasm, inPath, outPath];
  const r = spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" } });
  if (r.error) throw r.error;
  const text = readFileSync(outPath, "utf8");
  return { status: r.status ?? -1, text, out: JSON.parse(text) as Output };
}

let compiled: WebAssembly.Module | undefined;

/**
 * The same run inside this process (node:wasi, a fresh instance each time): for tests that
 * plan many small inputs, where starting a process per input would cost most of their time.
 */
export function runPlannerHere(input: unknown): { status: number; out: Output } {
  const inPath = join(dir, `in${++n}.json`), outPath = join(dir, `out${n}.json`);
  writeFileSync(inPath, JSON.stringify(input));
  const stdin = openSync(inPath, "r"), stdout = openSync(outPath, "w");
  let status: number;
  try {
    const wasi = new WASI({ version: "preview1", args: ["numabind-plan"], env: {}, stdin, stdout, returnOnExit: true });
    compiled ??= new WebAssembly.Module(readFileSync(wasm));
    status = wasi.start(new WebAssembly.Instance(compiled, wasi.getImportObject() as WebAssembly.Imports)) ?? 0;
  } finally {
    closeSync(stdin);
    closeSync(stdout);
  }
  return { status, out: JSON.parse(readFileSync(outPath, "utf8")) as Output };
}
