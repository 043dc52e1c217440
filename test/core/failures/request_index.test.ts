import { expect, test } from "vitest";
import { KIND_BUFFER, REQ_SIZE } from "../../../assembly/abi.ts";
import { RequestIndex } from "../../../host/core/failures/mod.ts";

/** Request records as the host writes them into the engine: [addr, length, kind]. */
function records(reqs: [number, number, number][]): Uint32Array {
  const u = new Uint32Array(reqs.length * (REQ_SIZE >>> 2));
  reqs.forEach(([a, l, kind], i) => {
    const o = i * (REQ_SIZE >>> 2);
    u[o] = a % 2 ** 32; u[o + 1] = Math.floor(a / 2 ** 32); u[o + 2] = l; u[o + 7] = kind;
  });
  return u;
}
const P = 4096;

test("RequestIndex.attribute() lists the requests with a page in a range, last-wins, and who decides one address", () => {
  const idx = new RequestIndex(records([
    [0x10000, 8 * P, 0],        // 0: pages 0-7
    [0x10000 + 2 * P, 2 * P, 0], // 1: pages 2-3, over 0
    [0x10000 + 4 * P, 4 * P, 0], // 2: pages 4-7, hides the rest of 0
    [0x10000 + 3 * P, P, 0],     // 3: page 3, over 1
  ]), 4, P);
  expect(idx.attribute(0x10000, 0x10000 + 8 * P, 0x10000 + 3 * P)).toEqual({ index: 3, requests: [0, 1, 2, 3] });
  expect(idx.attribute(0x10000 + 2 * P, 0x10000 + 4 * P, 0x10000 + 2 * P)).toEqual({ index: 1, requests: [1, 3] });
  // Pages 4-7: request 2 hides request 0 there.
  expect(idx.attribute(0x10000 + 4 * P, 0x10000 + 8 * P, 0x10000 + 6 * P)).toEqual({ index: 2, requests: [2] });
  expect(idx.attribute(0x90000, 0x91000, 0x90000)).toEqual({ index: -1, requests: [] });
});

test("RequestIndex shrinks buffer requests to the pages they fully own, as the engine does", () => {
  const idx = new RequestIndex(records([
    [0x10000 + 100, 3 * P, KIND_BUFFER], // owns pages 1-2 only
    [0x10000, P, 0],
  ]), 2, P);
  expect(idx.attribute(0x10000, 0x10000 + P, 0x10000)).toEqual({ index: 1, requests: [1] });
  expect(idx.attribute(0x10000, 0x10000 + 3 * P, 0x10000 + P)).toEqual({ index: 0, requests: [0, 1] });
});

test("RequestIndex finds requests that start long before the range (a running maximum of ends)", () => {
  const reqs: [number, number, number][] = [[0, 1000 * P, 0]];
  for (let i = 0; i < 500; i++) reqs.push([(2000 + i) * P, P, 0]);
  const idx = new RequestIndex(records(reqs), reqs.length, P);
  expect(idx.attribute(999 * P, 1000 * P, 999 * P)).toEqual({ index: 0, requests: [0] });
  expect(idx.attribute(2100 * P, 2102 * P, 2101 * P)).toEqual({ index: 102, requests: [101, 102] });
});
