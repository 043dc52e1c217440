// The rendered pages in headless Chromium (Debian's, driven by playwright-core): every chart
// drew its marks, the console stays clean, nothing is fetched, and a screenshot is kept under
// test-output/bench-report/.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { compareReports, comparisonCharts, renderComparison, renderReport } from "../../host/bench/report/mod.ts";
import type { BenchReport } from "../../host/bench/report_schema.ts";
import { ensureApt } from "../helpers/apt.ts";
import { report1, report4 } from "./fixtures/reports.ts";

const root = join(import.meta.dirname, "..", "..");
const out = join(root, "test-output", "bench-report");
const CHROMIUM = "/usr/bin/chromium";

/** Data marks vega draws as paths: the bars, heatmap cells, points and lines. */
const PATH_MARKS = ["rect", "symbol", "line", "area"].map((m) => `g.mark-${m}.role-mark > path`).join(", ");

let browser: Browser;

beforeAll(async () => {
  // apt may have to download Chromium on the first run.
  expect(ensureApt(["chromium"], () => existsSync(CHROMIUM)), "Debian's chromium is needed (root and apt-get)").toBe(true);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  mkdirSync(out, { recursive: true });
}, 600_000);

afterAll(async () => { await browser?.close(); });

interface PageFacts {
  charts: { id: string; svgs: number; caption: string; title: string; paths: number; marks: Record<string, number>; labelled: number; width: number; height: number }[];
  problems: string[];
  requests: string[];
}

/** Opens `html` (written to `file`) and reads what each chart drew, and what went wrong. */
async function open(html: string, file: string, screenshot?: string): Promise<PageFacts> {
  writeFileSync(join(out, file), html);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [], requests: string[] = [];
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(join(out, file)).href, { waitUntil: "load" });
  const charts = await page.$$eval("figure.chart", (figs, pathMarks) => figs.map((f) => {
    const svg = f.querySelector("svg");
    const box = svg?.getBoundingClientRect();
    const marks: Record<string, number> = {};
    for (const g of Array.from(f.querySelectorAll("svg g.role-mark"))) {
      const kind = Array.from(g.classList).find((c) => c.startsWith("mark-"))!.slice(5);
      marks[kind] = (marks[kind] ?? 0) + g.children.length;
    }
    return {
      id: f.getAttribute("data-chart") ?? "",
      svgs: f.querySelectorAll(":scope > svg").length,
      caption: document.getElementById(f.getAttribute("aria-labelledby") ?? "")?.textContent ?? "",
      title: f.querySelector("svg g.role-title-text text")?.textContent ?? "",
      paths: f.querySelectorAll(pathMarks).length,
      marks,
      labelled: f.querySelectorAll("svg [aria-label]").length,
      width: box?.width ?? 0, height: box?.height ?? 0,
    };
  }), PATH_MARKS);
  if (screenshot) await page.screenshot({ path: join(out, screenshot), fullPage: true });
  await page.close();
  return { charts, problems, requests };
}

/** Renders a report, timing it: the figure goes in the test log. */
async function timed(report: BenchReport): Promise<string> {
  const t = performance.now();
  const html = await renderReport(report);
  console.log(`renderReport(${report.environment.nodes.length} nodes): ${(performance.now() - t).toFixed(0)} ms, ${(html.length / 1024).toFixed(0)} KiB`);
  return html;
}

describe("renderReport() in Chromium", () => {
  test("renderReport() of the four-node report draws eight charts with marks, cleanly", async () => {
    const html = await timed(report4());
    const page = await open(html, "report.html", "report.png");
    expect(page.problems).toEqual([]);
    // Self-contained: the page itself is the only request.
    expect(page.requests).toEqual([pathToFileURL(join(out, "report.html")).href]);
    expect(page.charts.map((c) => c.id)).toEqual(["matrix-read", "matrix-write", "matrix-triad", "matrix-latency", "policies", "move-pages", "migrate-pages", "batch-sizes"]);
    for (const c of page.charts) {
      expect(c.svgs, c.id).toBe(1);
      expect(c.paths, c.id).toBeGreaterThan(0);
      expect(c.caption.length, c.id).toBeGreaterThan(5);
      expect(c.title.length, c.id).toBeGreaterThan(5);
      expect(c.labelled, c.id).toBeGreaterThan(c.paths);
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.height, c.id).toBeGreaterThan(100);
    }
    const by = new Map(page.charts.map((c) => [c.id, c]));
    // 16 cells plus the one failed cell's outline; 16 labels plus one "!".
    for (const id of ["matrix-read", "matrix-write", "matrix-triad", "matrix-latency"]) expect(by.get(id)!.marks).toEqual({ rect: 17, text: 17 });
    expect(by.get("policies")!.marks).toEqual({ rect: 16, rule: 16 });
    expect(by.get("move-pages")!.marks).toEqual({ rect: 10, rule: 10 });
    expect(by.get("migrate-pages")!.marks).toEqual({ rect: 2, rule: 2 });
    // Two lines, six points each, a spread rule at each point.
    expect(by.get("batch-sizes")!.marks).toEqual({ line: 2, symbol: 12, rule: 12 });
    const png = readFileSync(join(out, "report.png"));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.length).toBeGreaterThan(50_000);
  });

  test("renderReport() of the one-node report draws six charts and says migration was not measured", async () => {
    const html = await timed(report1());
    const page = await open(html, "report-1node.html", "report-1node.png");
    expect(page.problems).toEqual([]);
    expect(page.charts.map((c) => c.id)).toEqual(["matrix-read", "matrix-write", "matrix-triad", "matrix-latency", "policies", "batch-sizes"]);
    for (const c of page.charts) expect(c.paths, c.id).toBeGreaterThan(0);
    expect(page.charts[0]!.marks).toEqual({ rect: 1, text: 1 });
    expect(page.charts[4]!.marks).toEqual({ rect: 10, rule: 10 });
    expect(html).toContain("Not measured: one node, nowhere to migrate to.");
  });

  test("renderComparison() draws a ratio chart per section with one bar per figure, cleanly", async () => {
    const a = report4(), b = report4();
    b.matrix.cells[6]!.c.read.median *= 1.3;
    const html = await renderComparison(a, b);
    const page = await open(html, "comparison.html", "comparison.png");
    expect(page.problems).toEqual([]);
    expect(page.requests).toHaveLength(1);
    const cmp = compareReports(a, b);
    expect(page.charts.map((c) => c.id)).toEqual(comparisonCharts(cmp).map((c) => c.id));
    expect(page.charts).toHaveLength(5);
    for (const c of page.charts) {
      const section = cmp.figures.filter((f) => `ratio-${f.section.replace(/ /g, "-")}` === c.id).length;
      // A bar and a spread rule per figure, and the one rule at 1.0.
      expect(c.marks, c.id).toEqual({ rect: section, rule: section + 1 });
    }
  });
});
