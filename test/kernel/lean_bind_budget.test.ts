import { expect, test } from "vitest";
import { bindingApi } from "../../host/core/api/binding.ts";
import { createContext } from "../../host/core/context.ts";
import { mapCount } from "../../host/core/system/mod.ts";
import { alloc, free, openBackend, topology } from "../../host/mod.ts";

// bind() notes a range's two possible mappings once and skips the note when the same range of
// the same buffer is bound again: mbind splits only at a range's bounds. The skip must end at
// a fresh map count, which drops the note: else a range merged away before the count and split
// again after it would add mappings nothing noted. Checked against /proc/self/maps.

const page = topology().pageSize;

test("a range bound again, merged back, recounted fresh and split again is noted again: the kernel's split, the ledger's 2", () => {
  const ctx = createContext(openBackend());
  const { bind } = bindingApi(ctx);
  const kernel = ctx.facts().kernel!;
  const region = alloc(400 * page, { mode: "default" });
  const A = { mode: "bind", nodes: [0] } as const;
  for (let i = 0; i < 100; i++) {
    const range = new Uint8Array(region, (4 * i + 1) * page, page);
    bind(range, A); // splits its mapping in three: two noted
    bind(range, { mode: "default" }); // the same range: merged back, nothing noted
    const counted = kernel.mapCount(true); // a fresh count, without this range's bounds
    bind(range, A); // split again: must be noted again, the note above is gone
    bind(range, { mode: "preferred", nodes: [0] }); // the same range again: no new split
    // The kernel split the range again (/proc/self/maps: at least 2 more; the runtime may map
    // more meanwhile, which is what the reserve is for), and the ledger noted exactly that.
    expect(mapCount()! - counted).toBeGreaterThanOrEqual(2);
    expect([i, kernel.mapCount(false) - counted]).toEqual([i, 2]);
  }
  free(region);
});
