import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadAddon, nodeApiHooks } from "../../host/backends/node_api/mod.ts";
import { alloc, available, free, getPolicy, numabind } from "../../host/mod.ts";

const addonPath = join(import.meta.dirname, "..", "..", "build", "numabind.node");
// Node's headers sit beside its binary on this kind of machine, so the build makes the addon.
const built = existsSync(join(process.execPath, "..", "..", "include", "node", "node_api.h"));

describe("the Node-API single-call path (build/numabind.node)", () => {
  test("is built where Node's headers exist and carries single calls on the shim path", () => {
    expect(existsSync(addonPath)).toBe(built);
    if (process.env.NUMABIND_NO_SHIM === "1") expect(available().singleCalls).toBe("ffi-rs");
    else expect(available().singleCalls).toBe(built ? "node-api" : "ffi-rs");
  });

  test.runIf(built)("nodeApiHooks() binds a page, and get_mempolicy through it reads what the kernel holds", () => {
    const hooks = nodeApiHooks({})!;
    const buf = alloc(4 * 4096, { mode: "default" });
    const addr = numabind.backend.addressOf(new Uint8Array(buf));
    const mask = new Uint8Array(8);
    mask[0] = 1; // node 0
    expect(hooks.mbindOne!(Number(addr) + 4096, 4096, 3, 0, mask, 1)).toBe(0); // interleave {0}
    expect(getPolicy(addr + 4096n)).toMatchObject({ mode: "interleave" });
    expect(getPolicy(addr).mode).toBe("default");
    const mode = new Uint8Array(4), out = new Uint8Array(8);
    expect(hooks.getMempolicy!(mode, out, 65, addr + 4096n, 2)).toBe(0); // MPOL_F_ADDR
    expect(new Int32Array(mode.buffer)[0]).toBe(3);
    expect(out[0]).toBe(1);
    expect(hooks.getMempolicy!(mode, out, 64, addr, 2)).toBe(-22); // maxnode must be words * 64 + 1
    free(buf);
  });

  test.runIf(built)("the addon answers bad arguments with -EINVAL instead of throwing or crashing", () => {
    const addon = createRequire(import.meta.url)(addonPath) as Record<string, (...a: unknown[]) => number>;
    expect(addon.mbindOne!("x", 0, 2, 0, null, 0)).toBe(-22);
    expect(addon.mbindOne!(0, 0, 2, 0, new Uint8Array(4), 1)).toBe(-22); // mask shorter than words
    expect(addon.mbindOne!(0, 0, 2, 0, new ArrayBuffer(8), 1)).toBe(-22); // not a Uint8Array
    expect(addon.mbindOne!()).toBe(-22);
    expect(addon.getMempolicy!(new Uint8Array(2), null, 0, 0, 0)).toBe(-22);
    expect(addon.getMempolicy!(new Uint8Array(4), null, 0, 0)).toBe(-22); // too few arguments
    expect(addon.setMempolicy!(0, null, "1")).toBe(-22);
  });

  test.runIf(built)("the addon keeps every mapping the backend makes, and drops it when unmapped, in any order", () => {
    const addon = loadAddon({})!;
    const b = numabind.backend;
    const base = addon.trackedMappings();
    const made = Array.from({ length: 5000 }, () => {
      const r = b.mmap!(4096n, 1);
      if (typeof r === "number") throw new Error(`mmap failed with ${r}`);
      return r.addr;
    });
    expect(addon.trackedMappings()).toBe(base + 5000);
    // Unmap in a scrambled order: removals shift the table's probe runs back.
    for (let i = 0; i < made.length; i++) {
      const j = (i * 7919) % made.length;
      [made[i], made[j]] = [made[j]!, made[i]!];
    }
    for (const [k, addr] of made.entries()) {
      expect(b.munmap!(addr, 4096n)).toBe(0);
      if (k % 1000 === 999) expect(addon.trackedMappings()).toBe(base + 5000 - k - 1);
    }
    expect(addon.trackedMappings()).toBe(base);
    expect(addon.untrackMapping(4096)).toBe(-2); // ENOENT: not held
  });
});
