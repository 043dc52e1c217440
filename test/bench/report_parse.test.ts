// parseReport() accepts the schema's reports and names the first wrong field of any other.
import { describe, expect, test } from "vitest";
import { parseReport, ReportShapeError } from "../../host/bench/report/mod.ts";
import type { BenchReport } from "../../host/bench/report_schema.ts";
import { report1, report4 } from "./fixtures/reports.ts";

/** A report as a file would give it: through JSON, then changed by `edit`. */
function mutated(edit: (r: any) => void, base: () => BenchReport = report4): unknown {
  const r = JSON.parse(JSON.stringify(base()));
  edit(r);
  return r;
}

/** The ReportShapeError parseReport() throws for `json`. */
function errorOf(json: unknown): ReportShapeError {
  try { parseReport(json); } catch (e) { return e as ReportShapeError; }
  throw new Error("parseReport() accepted the input");
}

describe("parseReport()", () => {
  test("parseReport() returns the fixtures as they are", () => {
    for (const base of [report1, report4]) {
      const json = JSON.parse(JSON.stringify(base()));
      expect(parseReport(json)).toBe(json);
      expect(parseReport(json)).toEqual(base());
    }
  });

  test("parseReport() ignores fields the schema does not name, and optional ones left out", () => {
    const json = mutated((r) => { r.extra = 1; r.matrix.cells[0].placement.note = "x"; delete r.matrix.cells[5].placement.reason; delete r.policies.rows[0].policy?.nodes; });
    expect(() => parseReport(json)).not.toThrow();
  });

  test.each([
    ["a wrong schema string", (r: any) => { r.schema = "numabind-bench/2"; }, "schema", /schema must be "numabind-bench\/1", current value is "numabind-bench\/2"/],
    ["a missing schema", (r: any) => { delete r.schema; }, "schema", /schema is missing/],
    ["a missing section", (r: any) => { delete r.migration; }, "migration", /migration is missing \(must be an object\)/],
    ["a section of the wrong type", (r: any) => { r.binding = []; }, "binding", /binding must be an object, current value is an array of 0/],
    ["a string where a number goes", (r: any) => { r.matrix.cells[5].c.read.median = "fast"; }, "matrix.cells[5].c.read.median", /must be a finite number, current value is "fast"/],
    ["a NaN turned null by JSON", (r: any) => { r.binding.batchSizes[2].cLoopUs.p75 = null; }, "binding.batchSizes[2].cLoopUs.p75", /current value is null/],
    ["an unknown unit", (r: any) => { r.binding.bindToCLoop.unit = "s"; }, "binding.bindToCLoop.unit", /must be one of "MB\/s", "ns", "us", "ratio"/],
    ["a wrong path", (r: any) => { r.environment.path = "ffi"; }, "environment.path", /must be one of "shim", "syscall", current value is "ffi"/],
    ["a bad page count", (r: any) => { r.policies.rows[2].placement.numaMiss["0"] = "many"; }, 'policies.rows[2].placement.numaMiss["0"]', /a finite number/],
    ["a skipped reason that is not text", (r: any) => { r.policies.rows[4].skipped = true; }, "policies.rows[4].skipped", /must be a string, current value is true/],
    ["a policy that is neither null nor an object", (r: any) => { r.policies.rows[1].policy = "local"; }, "policies.rows[1].policy", /must be an object/],
    ["a node list with a string", (r: any) => { r.environment.nodes[3].cpus[1] = "13"; }, "environment.nodes[3].cpus[1]", /current value is "13"/],
    ["a distance row that is not an array", (r: any) => { r.environment.distances[2] = 10; }, "environment.distances[2]", /must be an array/],
    ["a migrate_pages node list", (r: any) => { r.migration.migratePages[1].to = 2; }, "migration.migratePages[1].to", /must be an array, current value is 2/],
  ])("parseReport() names the field for %s", (_what, edit, field, message) => {
    const e = errorOf(mutated(edit));
    expect(e).toBeInstanceOf(TypeError);
    expect(e).toBeInstanceOf(ReportShapeError);
    expect(e.field).toBe(field);
    expect(e.message).toContain(`Cannot read bench report: ${field} `);
    expect(e.message).toMatch(message);
    // The CLI prints it as one usage line.
    expect(e.message).not.toContain("\n");
  });

  test("parseReport() names the first wrong field, in schema order", () => {
    const e = errorOf(mutated((r) => { r.binding.planUsPerRange = 1; r.quick = "yes"; r.matrix.repeats = "5"; }));
    expect(e.field).toBe("quick");
    expect(errorOf(mutated((r) => { r.binding.planUsPerRange = 1; r.matrix.cells[15].js.triad.n = "5"; })).field).toBe("matrix.cells[15].js.triad.n");
  });

  test("parseReport() refuses what is not a document", () => {
    for (const v of [null, 42, "numabind-bench/1", [], undefined]) {
      const e = errorOf(v);
      expect(e.field).toBe("");
      expect(e.message).toMatch(/^Cannot read bench report: the document (must be an object|is missing)/);
    }
  });

  test("parseReport() shortens long values in the message", () => {
    const e = errorOf(mutated((r) => { r.startedAt = 7; r.quick = "x".repeat(200); }));
    expect(e.field).toBe("quick");
    expect(e.message.length).toBeLessThan(120);
    expect(e.message).toMatch(/\.\.\.$/);
  });
});
