// Pages that are already placed: move migrates them, strict refuses to leave them misplaced.
import { describe, expect, test } from "vitest";
import { bind, getPolicy, Nodemask, NumaError } from "../../../../host/mod.ts";
import { guestShape } from "../guest_shape.ts";
import { placementOf, region, touch } from "../placement.ts";

const PAGES = 64;
const last = guestShape().nodes - 1;

/** A region whose pages are all resident on `node`, bound there. */
function placedOn(node: number): Uint8Array {
  const r = region(PAGES);
  bind(r, { mode: "bind", nodes: [node] });
  touch(r);
  expect(placementOf(r).perNode).toEqual({ [node]: PAGES });
  return r;
}

describe("bind() flags on pages already touched", () => {
  test("without move, a new policy leaves touched pages where they are", () => {
    const r = placedOn(0);
    bind(r, { mode: "bind", nodes: [last] });
    const p = placementOf(r);
    expect(p.policies).toEqual([`bind:${last}`]);
    expect(p.perNode).toEqual({ 0: PAGES });
  });

  test("move migrates every touched page to the new node", () => {
    const r = placedOn(0);
    bind(r, { mode: "bind", nodes: [last] }, { move: true });
    const p = placementOf(r);
    expect(p.policies).toEqual([`bind:${last}`]);
    expect(p.perNode).toEqual({ [last]: PAGES });
  });

  test("move with interleave over two other nodes spreads the touched pages exactly 32:32", () => {
    const r = placedOn(0);
    bind(r, { mode: "interleave", nodes: [2, last] }, { move: true });
    const p = placementOf(r);
    expect(p.policies).toEqual([`interleave:${Nodemask.of(2, last).toList()}`]);
    expect(p.perNode).toEqual({ 2: PAGES / 2, [last]: PAGES / 2 });
  });

  // The kernel moves only pages on nodes outside the new mask; it does not re-spread the rest.
  test("move leaves pages that already sit on a node of the new mask where they are", () => {
    const nodes = Array.from({ length: last + 1 }, (_, i) => i);
    const r = placedOn(1);
    bind(r, { mode: "interleave", nodes }, { move: true });
    expect(placementOf(r)).toMatchObject({ policies: [`interleave:0-${last}`], perNode: { 1: PAGES } });
  });

  test("strict without move, on pages that sit on another node, throws NumaError EIO and leaves the policy unchanged", () => {
    const r = placedOn(1);
    let err: unknown;
    try { bind(r, { mode: "bind", nodes: [last] }, { strict: true }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NumaError);
    expect(err).toMatchObject({ code: "EIO", errno: 5, syscall: "mbind" });
    expect((err as NumaError).message).toMatch(/strict/);
    const got = getPolicy(r);
    expect(got.mode).toBe("bind");
    expect(got.nodes.toArray()).toEqual([1]);
    const p = placementOf(r);
    expect(p.policies).toEqual(["bind:1"]);
    expect(p.perNode).toEqual({ 1: PAGES });
  });

  test("strict with move succeeds and every page ends on the new node", () => {
    const r = placedOn(1);
    bind(r, { mode: "bind", nodes: [last] }, { strict: true, move: true });
    expect(getPolicy(r).nodes.toArray()).toEqual([last]);
    expect(placementOf(r).perNode).toEqual({ [last]: PAGES });
  });

  test("strict on pages that already fit the policy succeeds and moves nothing", () => {
    const r = placedOn(2);
    bind(r, { mode: "interleave", nodes: [2, last] }, { strict: true });
    expect(placementOf(r)).toMatchObject({ policies: [`interleave:${Nodemask.of(2, last).toList()}`], perNode: { 2: PAGES } });
  });
});
