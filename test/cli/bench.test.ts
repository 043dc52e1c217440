// `numabind bench --quick` on this host, as the README's test command runs it: the real
// harness (4x the last-level cache), its files, and --compare over two reports.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, expect, test } from "vitest";
import { tempDir } from "../helpers/child.ts";
import { report1, report4 } from "../bench/fixtures/reports.ts";
import { cli, type CliRun } from "./_cli.ts";

/** The largest cache of cpu0, read from sysfs by the test itself. */
function llcBytes(): number {
  const dir = "/sys/devices/system/cpu/cpu0/cache";
  return Math.max(...readdirSync(dir).filter((d) => d.startsWith("index")).map((d) => {
    const s = readFileSync(join(dir, d, "size"), "utf8").trim();
    return Number(s.replace(/[KMG]$/, "")) * ({ K: 1024, M: 1 << 20, G: 1 << 30 }[s.slice(-1)] ?? 1);
  }));
}

let out: string, run: CliRun;
beforeAll(() => {
  out = mkdtempSync(join(tempDir(), "bench-"));
  run = cli(["bench", "--quick", "--json", "-o", out], { timeoutMs: 170_000 });
}, 180_000);

test("numabind bench --quick measures this host: 4x the last-level cache, every placement check passes", () => {
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  const r = JSON.parse(run.stdout) as {
    schema: string; quick: boolean;
    matrix: { arrayBytes: number; followsStreamRule: boolean; cells: { placement: { ok: boolean }; c: { triad: { best: number; median: number } } }[] };
    policies: { rows: { skipped?: string; placement: { ok: boolean } }[] };
  };
  expect(r).toMatchObject({ schema: "numabind-bench/1", quick: true });
  expect(r.matrix.arrayBytes).toBeGreaterThanOrEqual(4 * llcBytes());
  expect(r.matrix.followsStreamRule).toBe(true);
  for (const c of r.matrix.cells) {
    expect(c.placement.ok).toBe(true);
    expect(c.c.triad.best).toBeGreaterThanOrEqual(c.c.triad.median);
    expect(c.c.triad.median).toBeGreaterThan(0);
  }
  expect(r.policies.rows.filter((x) => !x.skipped).every((x) => x.placement.ok)).toBe(true);
});

test("numabind bench writes report.json (the same report) and a self-contained report.html with SVG charts", () => {
  expect(JSON.parse(readFileSync(join(out, "report.json"), "utf8"))).toEqual(JSON.parse(run.stdout));
  const html = readFileSync(join(out, "report.html"), "utf8");
  expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(6);
  expect(html).not.toMatch(/<script\b/);
});

test("numabind bench --compare a.json b.json prints the figures' ratios and writes comparison.html", () => {
  const dir = mkdtempSync(join(tempDir(), "compare-"));
  writeFileSync(join(dir, "a.json"), JSON.stringify(report4()));
  const b = report4();
  for (const c of b.matrix.cells) c.c.triad = { ...c.c.triad, median: c.c.triad.median * 2, best: c.c.triad.best * 2, p25: c.c.triad.p25 * 2, p75: c.c.triad.p75 * 2, min: c.c.triad.min * 2, max: c.c.triad.max * 2 };
  writeFileSync(join(dir, "b.json"), JSON.stringify(b));
  const r = cli(["bench", "--compare", join(dir, "a.json"), join(dir, "b.json"), "-o", dir, "--json"]);
  expect(r.status).toBe(0);
  const cmp = JSON.parse(r.stdout) as { figures: { section: string; key: string; ratio: number | null }[] };
  const triads = cmp.figures.filter((f) => /triad/.test(f.key) && f.section.startsWith("matrix") && !/js/i.test(f.section));
  expect(triads.length).toBe(16);
  for (const f of triads) expect(f.ratio).toBeCloseTo(2, 6);
  expect(existsSync(join(dir, "comparison.html"))).toBe(true);
});

test.each([
  [["--compare", "only-one.json"], /--compare takes two report.json files/],
  [["--compare", "/nonexistent/a.json", "/nonexistent/b.json"], /--compare: cannot read \/nonexistent\/a.json \(ENOENT\)/],
  [["--array-mib", "0"], /argument '0' is invalid/],
])("numabind bench %j is a usage error: exit 2, one line", (args, message) => {
  const r = cli(["bench", ...args]);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
});

test("numabind bench --compare of a file that is no report names the field that is wrong", () => {
  const dir = mkdtempSync(join(tempDir(), "bad-"));
  writeFileSync(join(dir, "a.json"), JSON.stringify(report1()));
  writeFileSync(join(dir, "b.json"), JSON.stringify({ ...report1(), schema: "something/2" }));
  const r = cli(["bench", "--compare", join(dir, "a.json"), join(dir, "b.json"), "-o", dir]);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/b\.json is not a numabind bench report: .*schema must be "numabind-bench\/1"/);
});
