import { Nodemask, type PolicyInput } from "../policy/mod.ts";

/**
 * A policy's content in the plain shape { mode, nodes?, static?, relative?, balancing? }
 * with a string mode, boolean flags and nodes as a nodestring, an array or a Nodemask: what
 * makes two literals the same policy. The array is a copy, taken when the policy resolved.
 */
export interface PolicyContent {
  mode: string;
  nodes: string | Nodemask | readonly unknown[] | undefined | null;
  st: unknown;
  rel: unknown;
  bal: unknown;
}

/** Distinct contents a batch may use before their lookup goes through a Map. */
const RECENT = 8;

/** One content that resolved, and its slot: a class, so every entry has one hidden class. */
class ContentEntry implements PolicyContent {
  constructor(
    readonly mode: string, readonly nodes: PolicyContent["nodes"], readonly st: unknown,
    readonly rel: unknown, readonly bal: unknown, readonly slot: number,
  ) {}
}

type PlainPolicy = { mode?: unknown; nodes?: unknown; static?: unknown; relative?: unknown; balancing?: unknown };

/**
 * Finds equal policies written as separate literals, so a batch resolves each content once
 * (the identity lookup in PolicySlots misses on every fresh literal). Only the plain shape is
 * matched: anything else (OCI policies, unknown keys, odd values) returns no match and takes
 * the full check, which names what is wrong. A match is exact: the same mode, the same
 * boolean flags, the same nodestring, Nodemask or array elements as a policy that resolved.
 * Per match: one pass over the keys and a few compares (~10 ns), and no allocation: a
 * content object per request left ~60 bytes of garbage a request, whose scavenges copied the
 * caller's live requests (bench/plan_bench.ts, fresh literals); past 8 contents, a Map.
 * @example Basic usage
 * ```ts
 * const c = new PolicyContents();
 * c.add({ mode: "bind", nodes: [0] }, 3);
 * expect(c.find({ mode: "bind", nodes: [0] })).toBe(3);
 * expect(c.find({ mode: "bind", nodes: [0], statc: true })).toBe(-1);
 * ```
 */
export class PolicyContents {
  readonly #list: ContentEntry[] = [];
  readonly #byKey = new Map<string, number>();

  /** The slot of a policy with the same content as one added, or -1. */
  find(p: PolicyInput): number {
    if (!isPlain(p)) return -1;
    const q = p as PlainPolicy;
    const mode = q.mode, nodes = q.nodes, st = q.static, rel = q.relative, bal = q.balancing;
    if (!plainValues(mode, nodes, st, rel, bal)) return -1;
    const list = this.#list;
    if (list.length > RECENT) {
      const k = keyOf(mode as string, nodes as PolicyContent["nodes"], st, rel, bal);
      return k === undefined ? -1 : this.#byKey.get(k) ?? -1;
    }
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i]!;
      if (e.mode === mode && e.st === st && e.rel === rel && e.bal === bal && sameNodes(e.nodes, nodes)) return e.slot;
    }
    return -1;
  }

  /** Records the content of a policy that resolved to `slot` (no-op for other shapes). */
  add(p: PolicyInput, slot: number): void {
    const c = contentOf(p);
    if (c === undefined) return;
    const nodes = Array.isArray(c.nodes) ? c.nodes.slice() : c.nodes;
    const list = this.#list;
    list.push(new ContentEntry(c.mode, nodes, c.st, c.rel, c.bal, slot));
    if (list.length > RECENT) {
      for (const e of list.length === RECENT + 1 ? list : [list.at(-1)!]) {
        const k = keyOf(e.mode, e.nodes, e.st, e.rel, e.bal);
        if (k !== undefined && !this.#byKey.has(k)) this.#byKey.set(k, e.slot);
      }
    }
  }
}

/** Whether `p` is an object whose enumerable keys (for-in: own and inherited) are all policy keys. */
function isPlain(p: PolicyInput): boolean {
  if (typeof p !== "object" || p === null) return false;
  for (const k in p) {
    if (k !== "mode" && k !== "nodes" && k !== "static" && k !== "relative" && k !== "balancing") return false;
  }
  return true;
}

/** Whether the values read off a plain policy have the plain shape's types. */
function plainValues(mode: unknown, nodes: unknown, st: unknown, rel: unknown, bal: unknown): boolean {
  if (typeof mode !== "string" || !flagValue(st) || !flagValue(rel) || !flagValue(bal)) return false;
  return nodes === undefined || nodes === null || typeof nodes === "string" || Array.isArray(nodes) || Nodemask.isNodemask(nodes);
}

/** The content of a policy in the plain shape, or undefined for any other. */
function contentOf(p: PolicyInput): PolicyContent | undefined {
  if (!isPlain(p)) return undefined;
  const q = p as PlainPolicy;
  const mode = q.mode, nodes = q.nodes, st = q.static, rel = q.relative, bal = q.balancing;
  if (!plainValues(mode, nodes, st, rel, bal)) return undefined;
  return { mode: mode as string, nodes: nodes as PolicyContent["nodes"], st, rel, bal };
}

const flagValue = (v: unknown): boolean => v === undefined || typeof v === "boolean";

function sameNodes(a: PolicyContent["nodes"], b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A string key for the Map past RECENT contents; undefined where no exact key exists (array
 * elements that are not plain numbers, a Nodemask: those match only in the recent list).
 */
function keyOf(mode: string, n: PolicyContent["nodes"], st: unknown, rel: unknown, bal: unknown): string | undefined {
  let nk: string;
  if (n === undefined || n === null) nk = "-";
  else if (typeof n === "string") nk = `s${n}`;
  else if (Array.isArray(n)) {
    if (!n.every((x) => typeof x === "number")) return undefined;
    nk = `a${n.join(",")}`;
  } else return undefined;
  return `${mode}\u0000${String(st)}${String(rel)}${String(bal)}\u0000${nk}`;
}
