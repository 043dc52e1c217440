// Runs build/numabind-plan.wasm, the WASI build of the planner, on a JSON input under node:wasi
// or under Deno (the deno npm package's binary), as a user would run it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
