import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as abi from "../../assembly/abi.ts";
import { Engine } from "../../host/core/engine/mod.ts";
import { rawSetup, readResult } from "./helpers/raw_plan.ts";

const RUNS = 10_000;
const e = new Engine();
const CODES = new Set<number>(Object.entries(abi).filter(([k]) => k.startsWith("E_") || k === "OK").map(([, v]) => v));
const VERDICTS = new Set<number>(Object.entries(abi).filter(([k]) => k.startsWith("V_")).map(([, v]) => v));
const seen = new Map<number, number>();
const TCODES = new Set<number>(Object.entries(abi).filter(([k]) => k.startsWith("T_")).map(([, v]) => v));

/** Control blocks: fully random bytes, or sane facts with random options. */
const control = fc.oneof(
  fc.record({ block: fc.constantFrom(0n, 4096n, 12288n, 2097152n), chunk: fc.constantFrom(0n, 8192n, 65536n),
    overlap: fc.integer({ min: 0, max: 1 }), huge: fc.constantFrom(0n, 2097152n) }).map((c) => {
    const b = new Uint8Array(abi.CTL_SIZE), dv = new DataView(b.buffer);
    dv.setUint32(abi.CTL_PAGE_SIZE, 4096, true); dv.setUint32(abi.CTL_KERNEL_PAGE, 4096, true);
    dv.setUint32(abi.CTL_OVERLAP, c.overlap, true); dv.setUint32(abi.CTL_BLOCK_MODE, 1, true);
    dv.setBigUint64(abi.CTL_CHUNK, c.chunk, true); dv.setBigUint64(abi.CTL_BLOCK, c.block, true);
    dv.setBigUint64(abi.CTL_HUGE, c.huge, true); dv.setUint32(abi.CTL_MAX_NUMNODES, 1024, true);
    dv.setUint32(abi.CTL_MPOL_MAX, 7, true); dv.setUint32(abi.CTL_BALANCING, 0x24, true);
    dv.setUint32(abi.CTL_WEIGHT_MODES, 0x48, true); dv.setUint32(abi.CTL_CAPS, 1, true);
    return b;
  }),
  fc.uint8Array({ minLength: abi.CTL_SIZE, maxLength: abi.CTL_SIZE }),
  fc.record({
    page: fc.constantFrom(4096, 8192, 65536, 3000, 0), overlap: fc.integer({ min: 0, max: 2 }),
    blockMode: fc.constantFrom(1, 2, 3), chunk: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    block: fc.bigInt({ min: 0n, max: 1n << 40n }), huge: fc.constantFrom(0n, 8192n, 2097152n, 12345n),
    maxMap: fc.nat(), mapCount: fc.nat(), maxNN: fc.integer({ min: 0, max: 40000 }),
    caps: fc.nat(), mpolMax: fc.integer({ min: 0, max: 40 }), bal: fc.nat(), wm: fc.nat(),
  }).map((c) => {
    const b = new Uint8Array(abi.CTL_SIZE), dv = new DataView(b.buffer);
    dv.setUint32(abi.CTL_PAGE_SIZE, c.page, true); dv.setUint32(abi.CTL_KERNEL_PAGE, 4096, true);
    dv.setUint32(abi.CTL_OVERLAP, c.overlap, true); dv.setUint32(abi.CTL_BLOCK_MODE, c.blockMode, true);
    dv.setBigUint64(abi.CTL_CHUNK, c.chunk, true); dv.setBigUint64(abi.CTL_BLOCK, c.block, true);
    dv.setBigUint64(abi.CTL_HUGE, c.huge, true); dv.setUint32(abi.CTL_MAX_MAP, c.maxMap, true);
    dv.setUint32(abi.CTL_MAP_COUNT, c.mapCount, true); dv.setUint32(abi.CTL_MAX_NUMNODES, c.maxNN, true);
    dv.setUint32(abi.CTL_CAPS, c.caps, true); dv.setUint32(abi.CTL_MPOL_MAX, c.mpolMax, true);
    dv.setUint32(abi.CTL_BALANCING, c.bal, true); dv.setUint32(abi.CTL_WEIGHT_MODES, c.wm, true);
    return b;
  }),
);

/** Records: random bytes, with mask indexes and kinds often (not always) in range. */
const records = fc.record({
  n: fc.integer({ min: 0, max: 48 }), nMasks: fc.integer({ min: 0, max: 6 }), words: fc.integer({ min: 0, max: 520 }),
  nWeights: fc.integer({ min: 0, max: 70 }), seed: fc.uint8Array({ minLength: 64, maxLength: 2048 }),
  tame: fc.boolean(), weightSeed: fc.nat(),
});

describe("no trap or crash on any input (fast-check, 10,000 runs each)", () => {
  test("plan_run returns a known code for garbage records, masks, weights and control blocks", () => {
    fc.assert(fc.property(records, control, fc.uint8Array({ minLength: 64, maxLength: 64 }), (r, ctl, usable) => {
      const words = r.tame ? Math.min(r.words, 4) : r.words;
      const n = r.tame ? r.n % 9 : r.n;
      const base = e.x.plan_input(n, r.nMasks, words, r.nWeights);
      const u8 = e.u8();
      const fill = (at: number, len: number): void => { for (let i = 0; i < len; i++) u8[at + i] = r.seed[(i * 7 + at) % r.seed.length]!; };
      if (base !== 0) {
        fill(base, n * abi.REQ_SIZE);
        if (words <= 512) fill(e.x.plan_mask_table(), r.nMasks * words * 8);
        const dv = e.view();
        for (let i = 0; i < n; i++) {
          const at = base + i * abi.REQ_SIZE;
          if (r.tame) {
            // Mostly plausible: valid mask indexes and modes, aligned addresses, short lengths.
            const m = dv.getUint32(at + abi.REQ_MODE, true);
            const withMask = r.nMasks > 0 && i % 3 !== 0;
            dv.setUint32(at + abi.REQ_MASK, withMask ? i % r.nMasks : abi.NO_MASK, true);
            const mode = withMask ? [1, 2, 3, 5, 6][m % 5]! : [0, 1, 4][m % 3]!;
            dv.setUint32(at + abi.REQ_MODE, mode | (withMask && m & 0x8000 ? 0x8000 : 0), true);
            dv.setUint32(at + abi.REQ_FLAGS, dv.getUint32(at + abi.REQ_FLAGS, true) & 3, true);
            dv.setUint32(at + abi.REQ_ADDR, (dv.getUint32(at + abi.REQ_ADDR, true) & 0xfffff) << 12, true);
            dv.setUint32(at + abi.REQ_ADDR + 4, 0x7f00, true);
            dv.setUint32(at + abi.REQ_LEN, ((dv.getUint32(at + abi.REQ_LEN, true) % 64) + 1) << 12, true);
            dv.setUint32(at + abi.REQ_LEN + 4, 0, true);
          }
        }
        for (let i = 0; i < r.nWeights; i++) dv.setUint32(e.x.plan_weight_table() + i * 4, (r.weightSeed >>> (i % 24)) & 3, true);
      }
      e.u8().set(ctl, e.x.plan_control());
      const slot = e.x.mask_slot(abi.SLOT_USABLE);
      e.u8().fill(0, slot, slot + abi.MASK_SLOT_BYTES);
      e.u8().set(usable, slot);
      if (r.tame) e.u8().fill(0xff, slot, slot + 32);
      const code = e.x.plan_run();
      seen.set(code, (seen.get(code) ?? 0) + 1);
      expect(CODES.has(code)).toBe(true);
      if (code === abi.OK && words > 0 && words <= 512) {
        const res = readResult(e, code, words);
        const bad = res.ops.filter((o, i) => o.len <= 0 || (i > 0 && res.ops[i - 1]!.addr + res.ops[i - 1]!.len > o.addr));
        expect(bad).toEqual([]);
      }
    }), { numRuns: RUNS });
    // The generators reach success and the deeper refusals, not only the first checks.
    expect(seen.get(abi.OK) ?? 0).toBeGreaterThan(RUNS / 50);
    expect(seen.get(abi.E_RULE) ?? 0).toBeGreaterThan(0);
  });

  test("validate_mbind answers every raw call, even with masks outside memory", () => {
    fc.assert(fc.property(
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.nat(), fc.nat(), fc.nat(), control,
      (addr, len, mode, mask, words, flags, ctl) => {
        e.u8().set(ctl, e.x.plan_control());
        expect(VERDICTS.has(e.x.validate_mbind(addr, len, mode, mask, words, flags))).toBe(true);
      }), { numRuns: RUNS });
  });

  test("the text parsers answer every byte string with a code and never write past their slot", () => {
    const alphabet = fc.constantFrom(..."0123456789,-!+alsmexX:abcdef \n\u00ff".split(""));
    const text = fc.oneof(fc.string({ unit: alphabet, maxLength: 40 }), fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 300 }));
    fc.assert(fc.property(text, fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(), (t, ctx, fmtArg) => {
      const bytes = typeof t === "string" ? new Uint8Array([...t].map((c) => c.charCodeAt(0) & 0xff)) : t;
      const u8 = e.u8();
      for (const [slot, off] of [[abi.SLOT_A, 0], [abi.SLOT_B, 8]] as const) {
        const at = e.x.mask_slot(slot);
        u8.fill(0, at, at + abi.MASK_SLOT_BYTES);
        u8.set(ctx.subarray(off, off + 8), at);
      }
      const guard = e.x.mask_slot(abi.SLOT_USABLE);
      u8.fill(0xa5, guard, guard + 64);
      for (const fn of ["parse_nodestring", "parse_list", "parse_hex"] as const) {
        e.u8().set(bytes, e.x.text_buffer());
        const code = e.x[fn](bytes.length);
        expect(TCODES.has(code)).toBe(true);
        if (code !== abi.T_OK) expect(e.x.text_err_pos()).toBeLessThanOrEqual(Math.max(bytes.length, abi.TEXT_BYTES));
      }
      expect([...e.u8().subarray(guard, guard + 64)].every((b) => b === 0xa5)).toBe(true);
      for (const fn of ["fmt_list", "fmt_hex", "fmt_cpumap"] as const) {
        expect(e.x[fn](fmtArg % 100_000)).toBeLessThanOrEqual(abi.TEXT_BYTES);
      }
    }), { numRuns: RUNS });
  });

  test("plan_input refuses a batch that cannot fit (returns 0) instead of trapping", () => {
    expect(e.x.plan_input(0xffffffff, 0xffffffff, 512, 0)).toBe(0);
    expect(e.x.plan_input(4, 0xffffffff, 512, 0xffffffff)).toBe(0);
    rawSetup(e, { pageSize: 4096, usable: [0] });
    expect(e.x.plan_run()).toBe(abi.OK); // an empty batch remains
    expect(e.x.plan_op_count()).toBe(0);
  });

  test("plan_tables places the tables after the records, and refuses tables that cannot fit", () => {
    const base = e.x.plan_input(3, 0, 1, 0);
    const table = e.x.plan_tables(2, 4, 5);
    expect(table).toBeGreaterThanOrEqual(base + 3 * abi.REQ_SIZE);
    expect(e.x.plan_mask_table()).toBe(table);
    expect(e.x.plan_weight_table()).toBeGreaterThanOrEqual(table + 2 * 4 * 8);
    // A refused table leaves none: a record naming mask 0 is refused, not read out of bounds.
    const at = e.x.plan_input(1, 0, 1, 0) >>> 2;
    expect(e.x.plan_tables(0xffffffff, 512, 0xffffffff)).toBe(0);
    const u32 = e.u32();
    u32.set([0x10000000, 0, 4096, 0, 2 /* MPOL_BIND */, 0, 0, 0], at);
    rawSetup(e, { pageSize: 4096, usable: [0] });
    expect(e.x.plan_run()).toBe(abi.E_MASK_INDEX);
  });
});
