// Kernel words as people read them: mode words as numabind's mode and flag names, node sets
// as numactl's lists ("0-1,3"), nodemask words as node ids. Nothing here asks this machine
// which nodes it has: a trace comes from another one.
import { MODE_FLAGS, MODES } from "../../core/mod.ts";
import { abi } from "../../engine.ts";

/** A policy as the report shows it: numabind's mode name, a node list or null (unknown), mode flags. */
export interface ReportPolicy {
  mode: string;
  /** numactl's list form ("0-1,3", "" for none); null when the log does not say. */
  nodes: string | null;
  /** Mode flags ("static", "relative", "balancing"); absent when none. */
  flags?: string[];
}

/**
 * A sorted node list in numactl's form.
 * @example Basic usage
 * ```ts
 * expect(nodeList([0, 1, 3, 5, 6, 7])).toBe("0-1,3,5-7");
 * expect(nodeList([])).toBe("");
 * ```
 */
export function nodeList(nodes: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const a = nodes[i]!;
    let b = a;
    while (i + 1 < nodes.length && nodes[i + 1] === b + 1) b = nodes[++i]!;
    parts.push(a === b ? `${a}` : `${a}-${b}`);
  }
  return parts.join(",");
}

/**
 * Reads a node list ("0-1,3", "0,1", "" for none) into sorted distinct node ids, or undefined
 * when it is not one.
 * @example Basic usage
 * ```ts
 * expect(parseNodeList("3,0-1")).toEqual([0, 1, 3]);
 * expect(parseNodeList("x")).toBeUndefined();
 * ```
 */
export function parseNodeList(s: string): number[] | undefined {
  const t = s.trim();
  if (t === "") return [];
  const set = new Set<number>();
  for (const part of t.split(/[,\s]+/)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return undefined;
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b > abi.MASK_MAX_BITS) return undefined;
    for (let n = a; n <= b; n++) set.add(n);
  }
  return [...set].sort((x, y) => x - y);
}

/**
 * The nodes set in nodemask words (word 0 holds nodes 0-63), counting only the first `bits`
 * bits: the kernel reads maxnode - 1 of them.
 * @example Basic usage
 * ```ts
 * expect(maskWordsNodes([0x25n], 3)).toEqual([0, 2]);
 * expect(maskWordsNodes([0n, 1n], 128)).toEqual([64]);
 * ```
 */
export function maskWordsNodes(words: readonly bigint[], bits: number): number[] {
  const out: number[] = [];
  for (let w = 0; w < words.length && w * 64 < bits; w++) {
    let v = words[w]!;
    for (let b = 0; v !== 0n && w * 64 + b < bits; b++, v >>= 1n) if (v & 1n) out.push(w * 64 + b);
  }
  return out;
}

/**
 * numabind's mode name for a kernel mode word without its flags: "bind", "preferred-many";
 * "mode 9" for a number no kernel has.
 * @example Basic usage
 * ```ts
 * expect(modeName(5)).toBe("preferred-many");
 * expect(modeName(9)).toBe("mode 9");
 * ```
 */
export function modeName(base: number): string {
  return MODES.find((m) => m.kernel === base)?.name ?? `mode ${base}`;
}

/**
 * A mode word's flags by name ("static", "relative", "balancing").
 * @example Basic usage
 * ```ts
 * expect(modeFlagNames(abi.MPOL_BIND | abi.MPOL_F_STATIC_NODES)).toEqual(["static"]);
 * ```
 */
export function modeFlagNames(word: number): string[] {
  return MODE_FLAGS.filter((f) => (word & f.kernel) !== 0).map((f) => f.name);
}

/**
 * A mode word and its nodes as the report shows them. An empty preferred is local, as the
 * kernel stores it since Linux 5.14 (and get_mempolicy reports it).
 * @example Basic usage
 * ```ts
 * expect(reportPolicy(abi.MPOL_BIND | abi.MPOL_F_STATIC_NODES, [0, 1])).toEqual({ mode: "bind", nodes: "0-1", flags: ["static"] });
 * expect(reportPolicy(abi.MPOL_PREFERRED, [])).toEqual({ mode: "local", nodes: "" });
 * ```
 */
export function reportPolicy(word: number, nodes: readonly number[] | null): ReportPolicy {
  let base = word & ~abi.MPOL_MODE_FLAGS;
  if (base === abi.MPOL_PREFERRED && nodes !== null && nodes.length === 0) base = abi.MPOL_LOCAL;
  const p: ReportPolicy = { mode: modeName(base), nodes: nodes === null ? null : nodeList(nodes) };
  const flags = modeFlagNames(word);
  if (flags.length > 0) p.flags = flags;
  return p;
}

/**
 * mbind flag names ("strict", "move", "moveAll", as BindFlags names them); unknown bits as numbers.
 * @example Basic usage
 * ```ts
 * expect(bindFlagNames(abi.MPOL_MF_STRICT | abi.MPOL_MF_MOVE)).toEqual(["strict", "move"]);
 * ```
 */
export function bindFlagNames(flags: number): string[] {
  const names: [number, string][] = [[abi.MPOL_MF_STRICT, "strict"], [abi.MPOL_MF_MOVE, "move"], [abi.MPOL_MF_MOVE_ALL, "moveAll"]];
  const out = names.filter(([bit]) => (flags & bit) !== 0).map(([, n]) => n);
  const rest = flags & ~abi.MPOL_MF_VALID;
  if (rest !== 0) out.push(`0x${rest.toString(16)}`);
  return out;
}
