import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import {
  alloc, type BindRequest, free, NumaError, plan, type Policy, type RangeBatch,
} from "../../../host/mod.ts";

// The column form of a batch plans exactly as the request objects it stands for.

const P = 4096;
const POLICIES: Policy[] = [
  { mode: "bind", nodes: [0] }, { mode: "preferred", nodes: [0] }, { mode: "interleave", nodes: [0] },
  { mode: "local" }, { mode: "default" }, { mode: "bind", nodes: [0], static: true },
];
// Page-aligned memory (a fresh mapping), so that ranges own whole pages.
const buffer = alloc(66 * P, { mode: "default" });
afterAll(() => free(buffer));

/** The request objects a column batch stands for. */
function asRequests(b: RangeBatch): BindRequest[] {
  const t = b.target as ArrayBuffer | Uint8Array;
  const [buf, skew] = t instanceof ArrayBuffer ? [t, 0] : [t.buffer as ArrayBuffer, t.byteOffset];
  return Array.from(b.offsets, (o, i) => ({
    target: new Uint8Array(buf, skew + o, b.lengths[i]!), policy: b.policies[b.policyIndex[i]!]!, ...(b.flags ? { flags: b.flags } : {}),
  }));
}

function refusal(f: () => unknown): NumaError {
  try { f(); } catch (e) { if (e instanceof NumaError) return e; throw e; }
  throw new Error("expected a NumaError");
}

const anyColumns = fc.record({
  skew: fc.constantFrom(0, P, 3 * P, 100), // page-aligned views, and one that is not
  ranges: fc.array(fc.record({ page: fc.integer({ min: 0, max: 56 }), pages: fc.integer({ min: 1, max: 4 }), off: fc.integer({ min: 0, max: 100 }), pol: fc.integer({ min: 0, max: POLICIES.length - 1 }) }), { minLength: 1, maxLength: 40 }),
  typed: fc.boolean(),
  move: fc.boolean(),
});

describe("plan(RangeBatch)", () => {
  test("plans the same ops and stats as the equivalent request objects (fast-check, 2,000 runs)", () => {
    let planned = 0;
    fc.assert(fc.property(anyColumns, ({ skew, ranges, typed, move }) => {
      const target = skew ? new Uint8Array(buffer, skew, 62 * P) : buffer;
      // Ranges start a little past a page boundary and end on one: they shrink to the pages they own.
      const offsets = ranges.map((r) => r.page * P + r.off), lengths = ranges.map((r) => (r.pages + 1) * P - r.off);
      const batch: RangeBatch = {
        target, policies: POLICIES,
        offsets: typed ? Float64Array.from(offsets) : offsets, lengths: typed ? Uint32Array.from(lengths) : lengths,
        policyIndex: typed ? Uint8Array.from(ranges, (r) => r.pol) : ranges.map((r) => r.pol),
        ...(move ? { flags: { move: true } } : {}),
      };
      const run = (x: RangeBatch | BindRequest[]) => { try { return plan(x, { pageSize: P }); } catch (e) { return (e as Error).message; } };
      const got = run(batch);
      expect(got).toEqual(run(asRequests(batch)));
      if (typeof got !== "string") planned++;
    }), { numRuns: 2000 });
    expect(planned).toBeGreaterThan(1000); // most runs plan; the rest compare refusals
  });

  test("refuses a range that leaves the target, naming the column and the range, before planning", () => {
    const target = new Uint8Array(buffer, P, 8 * P);
    const e = refusal(() => plan({ target, offsets: [0, 6 * P], lengths: [P, 3 * P], policies: POLICIES, policyIndex: [0, 1] }));
    expect(e).toMatchObject({ code: "EINVAL", arg: "requests.lengths[1]", index: 1 });
    expect(e.message).toMatch(/Cannot bind range 1: bytes 24576\.\.36864 reach past the end of requests\.target \(32768 bytes\)/);
    for (const [offsets, arg] of [[[-P], "requests.offsets[0]"], [[0.5], "requests.offsets[0]"], [[Number.NaN], "requests.offsets[0]"], [["0"], "requests.offsets[0]"]] as const) {
      expect(refusal(() => plan({ target, offsets: offsets as unknown as number[], lengths: [P], policies: POLICIES, policyIndex: [0] }))).toMatchObject({ arg, index: 0 });
    }
    expect(refusal(() => plan({ target, offsets: [0], lengths: [Infinity], policies: POLICIES, policyIndex: [0] }))).toMatchObject({ arg: "requests.lengths[0]" });
  });

  test("refuses a policy index outside policies, and a bad policy by its position in policies", () => {
    for (const bad of [6, -1, 1.5, Number.NaN]) {
      const e = refusal(() => plan({ target: buffer, offsets: [0, P], lengths: [P, P], policies: POLICIES, policyIndex: [0, bad] }));
      expect(e).toMatchObject({ code: "EINVAL", arg: "requests.policyIndex[1]", index: 1 });
      expect(e.message).toMatch(/is not an index into requests\.policies \(0\.\.5\)/);
    }
    expect(() => plan({ target: buffer, offsets: [0], lengths: [P], policies: [{ mode: "bogus" } as unknown as Policy], policyIndex: [0] })).toThrow(/requests\.policies\[0\]/);
  });

  test("refuses columns of different lengths, BigInt columns and a target that is no buffer, with TypeErrors", () => {
    expect(() => plan({ target: buffer, offsets: [0, P], lengths: [P], policies: POLICIES, policyIndex: [0, 0] }))
      .toThrow(/requests\.lengths: it has 1 entries and requests\.offsets has 2/);
    expect(() => plan({ target: buffer, offsets: BigInt64Array.of(0n) as unknown as number[], lengths: [P], policies: POLICIES, policyIndex: [0] }))
      .toThrow(/requests\.offsets: it must be an array or a typed array of numbers \(not BigInt\)/);
    expect(() => plan({ target: { addr: 0n, length: 4096n } as unknown as ArrayBuffer, offsets: [0], lengths: [P], policies: POLICIES, policyIndex: [0] }))
      .toThrow(/requests\.target: a target must be an ArrayBuffer/);
    expect(() => plan("0-3" as unknown as RangeBatch)).toThrow(/requests must be an array of \{ target, policy, flags\? \} or a RangeBatch/);
  });

  test("an empty column batch is an empty plan", () => {
    expect(plan({ target: buffer, offsets: [], lengths: [], policies: [], policyIndex: [] }).stats).toMatchObject({ requests: 0, ops: 0 });
  });
});
