import { describe, expect, test } from "vitest";
import * as abi from "../../../assembly/abi.ts";
import { type NodeContext, Nodemask, NodestringError } from "../../../host/mod.ts";

// Contexts: a plain 4-node machine, a cpuset that allows only some nodes, sparse node ids
// (0, 4, 8, 12: libnuma's "!" goes wrong there), and sparse ids under a cpuset.
const FULL4: NodeContext = { configured: [0, 1, 2, 3], allowed: [0, 1, 2, 3] };
const CPUSET: NodeContext = { configured: [0, 1, 2, 3, 4, 5, 6, 7], allowed: [2, 3, 6] };
const SPARSE: NodeContext = { configured: [0, 4, 8, 12], allowed: [0, 4, 8, 12] };
const SPARSE_CPUSET: NodeContext = { configured: [0, 4, 8, 12], allowed: [4, 12] };
const WIDE: NodeContext = { configured: [0, 1023, 1024, 32767], allowed: [0, 1023, 1024, 32767] };

type Want = string | [code: keyof typeof abi, position: number];

const vectors: [string, NodeContext, Want][] = [
  // Plain machine: the grammar.
  ["", FULL4, ""], ["0", FULL4, "0"], ["3", FULL4, "3"], ["0-3", FULL4, "0-3"], ["1,3", FULL4, "1,3"],
  ["3,1,1", FULL4, "1,3"], ["all", FULL4, "0-3"], ["0,all", FULL4, "0-3"], ["all,0", FULL4, "0-3"],
  ["2-2", FULL4, "2"], ["!0", FULL4, "1-3"], ["!0-3", FULL4, ""], ["!all", FULL4, ""], ["+0", FULL4, "0"],
  ["+1-2", FULL4, "1-2"], ["!+0", FULL4, "1-3"], ["+all", FULL4, "0-3"],
  ["3-1", FULL4, ["T_REVERSED", 0]], ["4", FULL4, ["T_NOT_CONFIGURED", 0]], ["0-4", FULL4, ["T_NOT_CONFIGURED", 2]],
  ["+4", FULL4, ["T_RELATIVE_RANGE", 1]], ["+2-4", FULL4, ["T_RELATIVE_RANGE", 3]], ["+3-2", FULL4, ["T_REVERSED", 1]],
  ["0x1", FULL4, ["T_HEX_PREFIX", 0]], ["1,0x2", FULL4, ["T_HEX_PREFIX", 2]], ["01", FULL4, ["T_LEADING_ZERO", 0]],
  ["1-03", FULL4, ["T_LEADING_ZERO", 2]], ["1,,2", FULL4, ["T_EMPTY_ITEM", 2]], [",1", FULL4, ["T_EMPTY_ITEM", 0]],
  ["1,", FULL4, ["T_TRAILING_COMMA", 1]], ["+!1", FULL4, ["T_PLUS_ORDER", 1]], ["!!1", FULL4, ["T_REPEATED_PREFIX", 1]],
  ["++1", FULL4, ["T_REPEATED_PREFIX", 1]], ["!+!1", FULL4, ["T_REPEATED_PREFIX", 2]], ["1,!2", FULL4, ["T_CHAR", 2]],
  ["same", FULL4, ["T_SAME", 0]], ["0,same", FULL4, ["T_SAME", 2]], ["netdev:eth0", FULL4, ["T_AFFINITY", 0]],
  ["file:/dev/sda", FULL4, ["T_AFFINITY", 0]], ["pci:0000:00:1f.0", FULL4, ["T_AFFINITY", 0]],
  ["1-", FULL4, ["T_RANGE_END", 2]], ["1-a", FULL4, ["T_RANGE_END", 2]], [" 1", FULL4, ["T_CHAR", 0]],
  ["1 ", FULL4, ["T_CHAR", 1]], ["-1", FULL4, ["T_CHAR", 0]], ["1-2-3", FULL4, ["T_CHAR", 3]], ["a", FULL4, ["T_CHAR", 0]],
  ["All", FULL4, ["T_CHAR", 0]], ["allx", FULL4, ["T_CHAR", 0]], ["all-3", FULL4, ["T_CHAR", 3]], ["1;2", FULL4, ["T_CHAR", 1]],
  ["1\n", FULL4, ["T_CHAR", 1]], ["\u00e91", FULL4, ["T_CHAR", 0]], ["0,\u20ac", FULL4, ["T_CHAR", 2]], ["!", FULL4, ["T_EMPTY_ITEM", 1]],
  ["+", FULL4, ["T_EMPTY_ITEM", 1]], ["32768", FULL4, ["T_TOO_BIG", 0]], ["99999999999999999999", FULL4, ["T_TOO_BIG", 0]],
  ["2-32768", FULL4, ["T_TOO_BIG", 2]],
  // A cpuset: single nodes must be allowed, ranges pick the allowed nodes, ! and + stay inside it.
  ["2", CPUSET, "2"], ["1", CPUSET, ["T_NOT_ALLOWED", 0]], ["0-7", CPUSET, "2-3,6"], ["1-5", CPUSET, "2-3"],
  ["4-5", CPUSET, ""], ["all", CPUSET, "2-3,6"], ["!2", CPUSET, "3,6"], ["!0-7", CPUSET, ""], ["+0", CPUSET, "2"],
  ["+2", CPUSET, "6"], ["+3", CPUSET, ["T_RELATIVE_RANGE", 1]], ["+0-2", CPUSET, "2-3,6"], ["!+1", CPUSET, "2,6"],
  ["8", CPUSET, ["T_NOT_CONFIGURED", 0]], ["3,5", CPUSET, ["T_NOT_ALLOWED", 2]],
  // Sparse ids: a range needs configured ends; ! inverts over nodes that exist.
  ["4", SPARSE, "4"], ["1", SPARSE, ["T_NOT_CONFIGURED", 0]], ["0-12", SPARSE, "0,4,8,12"], ["2-12", SPARSE, ["T_NOT_CONFIGURED", 0]],
  ["0-13", SPARSE, ["T_NOT_CONFIGURED", 2]], ["!4", SPARSE, "0,8,12"], ["!0,4", SPARSE, "8,12"], ["+1", SPARSE, "4"],
  ["+3", SPARSE, "12"], ["+4", SPARSE, ["T_RELATIVE_RANGE", 1]], ["+1-2", SPARSE, "4,8"],
  ["0-12", SPARSE_CPUSET, "4,12"], ["!4", SPARSE_CPUSET, "12"], ["+1", SPARSE_CPUSET, "12"], ["0", SPARSE_CPUSET, ["T_NOT_ALLOWED", 0]],
  ["all", SPARSE_CPUSET, "4,12"], ["!all", SPARSE_CPUSET, ""],
  // Node ids around MAX_NUMNODES and the 32767 ceiling.
  ["1023-1024", WIDE, "1023-1024"], ["32767", WIDE, "32767"], ["!0", WIDE, "1023-1024,32767"], ["+3", WIDE, "32767"],
];

describe("Nodemask.parse(): nodestring vectors", () => {
  test.each(vectors)("%j in %j", (s, ctx, want) => {
    if (typeof want === "string") {
      expect(Nodemask.parse(s, ctx).toList()).toBe(want);
      return;
    }
    let err: unknown;
    try { Nodemask.parse(s, ctx); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NodestringError);
    const e = err as NodestringError;
    expect({ reason: e.reason, position: e.position }).toEqual({ reason: abi[want[0]], position: want[1] });
    expect(e).toMatchObject({ code: "EINVAL", errno: 22, syscall: "validate", arg: "nodes", input: s });
    expect(e.message).toMatch(new RegExp(`^Cannot parse nodes ".*" as a nodestring: .*position ${want[1]}`));
  });
});

describe("Nodemask.parse(): messages say where, why and what to do", () => {
  const message = (s: string, ctx: NodeContext = FULL4): string => {
    try { Nodemask.parse(s, ctx); } catch (e) { return (e as Error).message; }
    return "";
  };

  test("0x points to Nodemask.fromHex, a leading zero explains octal", () => {
    expect(message("0x3")).toMatch(/use Nodemask\.fromHex\("0x3"\)/);
    expect(message("010")).toMatch(/libnuma would read "010" as octal/);
  });

  test("unconfigured and disallowed nodes quote the sets", () => {
    expect(message("9", CPUSET)).toMatch(/node 9 at position 0 is not configured on this machine \(configured nodes: 0-7\)/);
    expect(message("1", CPUSET)).toMatch(/node 1 at position 0 is not allowed for this process \(allowed nodes: 2-3,6/);
    expect(message("+5", CPUSET)).toMatch(/relative node \+5 at position 1 needs at least 6 allowed nodes, and there are 3/);
  });

  test("a string over 262144 characters is refused, not truncated", () => {
    expect(message("0,".repeat(140_000) + "0")).toMatch(/longer than 262144 characters/);
  });
});

describe("Nodemask.parse() without a context", () => {
  test("reads this process's configured and allowed nodes", () => {
    const all = Nodemask.parse("all");
    expect(all.size).toBeGreaterThan(0);
    expect(Nodemask.parse(all.toList()).equals(all)).toBe(true);
    expect(Nodemask.parse("!all").isEmpty).toBe(true);
  });

  test("refuses a non-string with a TypeError naming the argument", () => {
    expect(() => Nodemask.parse(3 as never)).toThrow(/Cannot parse nodes: a nodestring must be a string/);
  });
});
