// The house rules, checked on the sources as they are: no import cycles in host/, a folder is
// entered through its mod.ts, no `_` file is imported from another folder, core is
// runtime-neutral, and the CLI and the benchmarks use only the package's public entries.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, test } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const files = (dir: string, ext = /\.(ts|mjs)$/): string[] =>
  (readdirSync(join(root, dir), { recursive: true }) as string[]).filter((f) => ext.test(f)).map((f) => join(dir, f));

/** Every module specifier a file names: static imports and re-exports, and import("..."). */
function specifiers(file: string): string[] {
  const src = readFileSync(join(root, file), "utf8");
  const out: string[] = [];
  for (const m of src.matchAll(/^\s*(?:import|export)\b[^"'`;]*?from\s+["']([^"']+)["']/gm)) out.push(m[1]!);
  for (const m of src.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) out.push(m[1]!);
  for (const m of src.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]!);
  return out;
}
const resolveIn = (file: string, spec: string): string => normalize(join(dirname(file), spec));
const local = (file: string): string[] => specifiers(file).filter((s) => s.startsWith(".")).map((s) => resolveIn(file, s));

const host = files("host");

describe("host/", () => {
  test("has no import cycles, type-only imports included", () => {
    const graph = new Map(host.map((f) => [f, local(f).filter((t) => t.startsWith("host/"))]));
    const cycles: string[][] = [];
    const state = new Map<string, 1 | 2>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 1); stack.push(f);
      for (const t of graph.get(f) ?? []) {
        if (state.get(t) === 1) cycles.push([...stack.slice(stack.indexOf(t)), t]);
        else if (!state.has(t)) visit(t);
      }
      stack.pop(); state.set(f, 2);
    };
    for (const f of host) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  test("a folder is entered through its mod.ts, and no _ file is imported from outside its folder", () => {
    const folders = new Set(host.filter((f) => f.endsWith("/mod.ts")).map(dirname));
    const bad: string[] = [];
    for (const f of host) {
      for (const t of local(f)) {
        const into = dirname(t), from = dirname(f);
        const outside = into !== from && !from.startsWith(`${into}/`);
        if (outside && t.split("/").pop()!.startsWith("_")) bad.push(`${f} -> ${t} (private file)`);
        if (outside && folders.has(into) && !t.endsWith("/mod.ts")) bad.push(`${f} -> ${t} (not through ${into}/mod.ts)`);
      }
    }
    expect(bad).toEqual([]);
  });

  test("core is runtime-neutral: no node: import and no Buffer", () => {
    const core = files("host/core");
    expect(core.length).toBeGreaterThan(50);
    // The issue's own check, `grep -rnE 'from "node:|Buffer\.' host/core`, matches ArrayBuffer.x too.
    const bad = core.filter((f) => /from\s+["']node:|Buffer\./.test(readFileSync(join(root, f), "utf8")));
    expect(bad).toEqual([]);
    expect(core.flatMap((f) => specifiers(f).filter((s) => !s.startsWith(".")).map((s) => `${f}: ${s}`))).toEqual([]);
  });

  test("core knows nothing of the backends, the runtime or the CLI", () => {
    const up = files("host/core").flatMap((f) => local(f).filter((t) => !t.startsWith("host/core/") && !t.startsWith("assembly/")).map((t) => `${f} -> ${t}`));
    expect(up).toEqual([]);
  });
});

describe("the CLI and the benchmarks", () => {
  const PUBLIC = ["numabind", "numabind/core", "numabind/engine", "numabind/bench"];
  // host/deno.ts is the "." entry under Deno (the package's "deno" export).
  const ENTRIES = ["host/mod.ts", "host/deno.ts", "host/engine.ts", "host/core/mod.ts", "host/bench/mod.ts"];

  test("use only the package's public entries", () => {
    const bad: string[] = [];
    for (const [dir, own] of [["host/cli", "host/cli/"], ["host/bench", "host/bench/"], ["bench", "bench/"]] as const) {
      for (const f of files(dir, /\.(ts|mjs|js)$/)) {
        for (const s of specifiers(f)) {
          if (s.startsWith("node:")) continue;
          if (!s.startsWith(".")) { if (s.startsWith("numabind") && !PUBLIC.includes(s)) bad.push(`${f}: ${s}`); continue; }
          const t = resolveIn(f, s);
          if (!t.startsWith(own) && !ENTRIES.includes(t)) bad.push(`${f}: ${s} (${relative(root, join(root, t))})`);
        }
      }
    }
    expect(bad).toEqual([]);
  });
});
