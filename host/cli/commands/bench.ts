import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command } from "commander";
import type { BenchReport } from "../../bench/mod.ts";
import { count } from "../format.ts";
import { CliFailure, type CommandFactory, oneLine, printResult, UsageError } from "../io.ts";
import { wholeNumber } from "../options.ts";
import { progressBar } from "../progress.ts";

interface BenchOptions { quick?: boolean; out?: string; json?: boolean; compare?: string[]; arrayMib?: number; repeats?: number }

/**
 * The harness, loaded when `bench` runs: it brings vega and vega-lite, which every other
 * command (numactl's scripts start numabind dozens of times) should not pay for at start.
 */
const harness = () => import("../../bench/mod.ts");

/** A report read from a file, or a usage error naming the file and what is wrong with it. */
function readReport(file: string, parseReport: (json: unknown) => BenchReport): BenchReport {
  let text: string;
  try { text = readFileSync(file, "utf8"); } catch (e) {
    throw new UsageError(`--compare: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}); give two report.json files of numabind bench`);
  }
  try { return parseReport(JSON.parse(text)); } catch (e) {
    throw new UsageError(`--compare: ${file} is not a numabind bench report: ${oneLine(e)}`);
  }
}

const mbs = (v: number): string => `${count(Math.round(v))} MB/s`;

/**
 * The run's headline figures as a few lines of text: the matrix (C triad, latency), the
 * policy rows with their placement checks, the binding ratios, and where the files are.
 * @example Basic usage
 * ```ts
 * expect(benchText(report, "/tmp/r")).toMatch(/placement matrix/);
 * ```
 */
export function benchText(r: BenchReport, out?: string): string {
  const lines = [`numabind bench${r.quick ? " --quick" : ""}: ${r.environment.cpuModel}, Linux ${r.environment.kernel}, ${r.environment.nodes.length} node(s), ${(r.durationMs / 1000).toFixed(1)} s`];
  lines.push(`\nplacement matrix (arrays ${count(Math.round(r.matrix.arrayBytes / 1e6))} MB${r.matrix.followsStreamRule ? ", 4x the last-level cache" : ", below 4x the last-level cache"}; best of ${r.matrix.repeats})`);
  lines.push("  cpu  mem  read          write         triad         latency    js/C triad  placement");
  for (const c of r.matrix.cells) {
    lines.push(`  ${String(c.cpuNode).padStart(3)}  ${String(c.memNode).padStart(3)}  ${mbs(c.c.read.best).padEnd(12)}  ${mbs(c.c.write.best).padEnd(12)}  ${mbs(c.c.triad.best).padEnd(12)}  ${`${c.c.latency.best.toFixed(1)} ns`.padEnd(9)}  ${c.jsToC.triad.toFixed(2).padEnd(10)}  ${c.placement.ok ? "ok" : `NOT AS ASKED: ${c.placement.reason ?? ""}`}`);
  }
  lines.push("\npolicy rows (numademo)");
  for (const row of r.policies.rows) {
    lines.push(`  ${row.name.padEnd(24)} ${row.skipped ? `skipped: ${row.skipped}` : `read ${mbs(row.read.best).padEnd(12)} triad ${mbs(row.triad.best).padEnd(12)} ${row.placement.ok ? "ok" : `NOT AS ASKED: ${row.placement.reason ?? ""}`}`}`);
  }
  const b = r.binding;
  const spread = (s: { median: number; p25: number; p75: number }): string => `${s.median.toFixed(2)} [${s.p25.toFixed(2)}-${s.p75.toFixed(2)}]`;
  lines.push(`\nbinding: bind() ${spread(b.bindToCLoop)}x the C loop, bindBatch ${spread(b.bindBatchToCLoop)}x, planning ${b.planUsPerRange.median.toFixed(3)} µs/range`);
  for (const m of r.migration.movePages) lines.push(`move_pages ${count(m.chunkPages)} pages/call: ${mbs(m.mbPerSec.best)} (${m.from} to ${m.to})`);
  for (const m of r.migration.migratePages) lines.push(`migrate_pages: ${mbs(m.mbPerSec.best)} (${m.from.join(",")} to ${m.to.join(",")})`);
  const failed = r.matrix.cells.filter((c) => !c.placement.ok).length + r.policies.rows.filter((x) => !x.skipped && !x.placement.ok).length;
  lines.push(`\n${failed === 0 ? "every placement check passed" : `${failed} placement check(s) FAILED`}`);
  if (out) lines.push(`report: ${join(out, "report.html")} (figures with their spread: ${join(out, "report.json")})`);
  return lines.join("\n");
}

/** `numabind bench`: what placement does to bandwidth and latency, node by node. */
export const benchCommand: CommandFactory = (ctx) =>
  new Command("bench")
    .description("measure what placement does to memory: a CPU-node x memory-node matrix, numademo's policy rows, migration and binding costs; JSON and an HTML report")
    .option("--quick", "fewer repeats, for CI (under a minute on a small host)")
    .option("-o, --out <dir>", "write report.json and report.html (or comparison.html) here", "numabind-bench")
    .option("--array-mib <n>", "bytes per array in MiB, instead of 4x the last-level cache (breaks STREAM's rule; the report says so)", wholeNumber(1, 1 << 20))
    .option("--repeats <n>", "runs of each kernel (best and median are reported)", wholeNumber(1, 1000))
    .option("--compare <files...>", "compare two report.json files: figures side by side with the ratio b/a")
    .option("--json", "print the report (or the comparison) as JSON on stdout")
    .addHelpText("after", [
      "", "Examples:",
      "  numabind bench --quick",
      "  numabind bench -o runs/today && numabind bench --compare runs/yesterday/report.json runs/today/report.json",
      "  numabind run --cpunodebind=0 -- numabind bench --json > bench.json",
    ].join("\n"))
    .action(async (o: BenchOptions) => {
      const out = resolve(o.out ?? "numabind-bench");
      const { compareReports, comparisonText, parseReport, renderComparison, renderReport, runBench } = await harness();
      if (o.compare) {
        if (o.compare.length !== 2) throw new UsageError(`--compare takes two report.json files, current value is ${o.compare.length} file(s)`);
        const [a, b] = o.compare.map((f) => readReport(f, parseReport)) as [BenchReport, BenchReport];
        mkdirSync(out, { recursive: true });
        writeFileSync(join(out, "comparison.html"), await renderComparison(a, b));
        printResult(ctx.io, o.json === true, compareReports(a, b), () => `${comparisonText(a, b)}\ncomparison: ${join(out, "comparison.html")}`);
        return;
      }
      let bar: ReturnType<typeof progressBar> | undefined;
      let report: BenchReport;
      try {
        report = await runBench({
          quick: o.quick === true,
          ...(o.arrayMib ? { arrayBytes: o.arrayMib * 2 ** 20 } : {}),
          ...(o.repeats ? { repeats: o.repeats } : {}),
          onProgress: (done, total, label) => {
            bar ??= progressBar(ctx.io, total, "measuring");
            bar.update(done);
            void label;
          },
        });
      } catch (e) {
        throw new CliFailure(`cannot measure: ${oneLine(e)}`, { cause: e });
      } finally {
        bar?.stop();
      }
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, "report.json"), JSON.stringify(report, null, 2) + "\n");
      writeFileSync(join(out, "report.html"), await renderReport(report));
      printResult(ctx.io, o.json === true, report, () => benchText(report, out));
      const failed = report.matrix.cells.some((c) => !c.placement.ok) || report.policies.rows.some((r) => !r.skipped && !r.placement.ok);
      ctx.finish(failed ? 1 : 0);
    });
