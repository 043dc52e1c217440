// strace's text output, as strace 6.1 prints it by default (`-e trace=mbind,...`, with or
// without -f, -o, -tt, -T): `13013 mbind(0x7f01..., 32768, MPOL_BIND, [0x00000000000001], 65,
// 0) = 0`, `[pid  4247] ...` when written to stderr, `<unfinished ...>` / `<... mbind
// resumed>` pairs when threads interleave, `= -1 EINVAL (Invalid argument)` on failure.
// With -f the prefix is a thread id; clone lines (when traced) fold threads into their process.
import { abi } from "../../engine.ts";
import {
  type CallResult, MAPPING_CALLS, type MaskArg, REPLAYED_CALLS, type ReplayedCall, type ReplayEvent, type ReplayWarning, TraceFormatError,
} from "./events.ts";
import { maskWordsNodes } from "./policy_words.ts";

// Optional pid prefix, optional timestamp (-t, -tt, -ttt, -r), optional instruction pointer (-i).
const LINE = /^(?:\[pid\s+(\d+)\]\s+|(\d+)\s+)?(?:(?:\d+:\d+:\d+|\d+)(?:\.\d+)?\s+)?(?:\[[0-9a-f?]+\]\s+)?(.*)$/;
const CALL = /^([a-z_][a-z0-9_]*)\((.*)$/;
const RESUMED = /^<\.\.\. ([a-z_][a-z0-9_]*) resumed>(.*)$/;
const UNFINISHED = /\s*<unfinished \.\.\.>\s*$/;
const RESULT = /^(.*)\)\s+=\s+(-?\d+|0x[0-9a-f]+|\?)(?:\s+(E[A-Z0-9_]+))?(?:\s+\(.*\))?(?:\s+<[\d.]+>)?\s*$/;
const PROCESS_CALLS = new Set(["clone", "clone3", "fork", "vfork"]);

const MODES: Record<string, number> = {
  MPOL_DEFAULT: abi.MPOL_DEFAULT, MPOL_PREFERRED: abi.MPOL_PREFERRED, MPOL_BIND: abi.MPOL_BIND,
  MPOL_INTERLEAVE: abi.MPOL_INTERLEAVE, MPOL_LOCAL: abi.MPOL_LOCAL, MPOL_PREFERRED_MANY: abi.MPOL_PREFERRED_MANY,
  MPOL_WEIGHTED_INTERLEAVE: abi.MPOL_WEIGHTED_INTERLEAVE, MPOL_F_STATIC_NODES: abi.MPOL_F_STATIC_NODES,
  MPOL_F_RELATIVE_NODES: abi.MPOL_F_RELATIVE_NODES, MPOL_F_NUMA_BALANCING: abi.MPOL_F_NUMA_BALANCING,
};
const FLAGS: Record<string, number> = {
  MPOL_MF_STRICT: abi.MPOL_MF_STRICT, MPOL_MF_MOVE: abi.MPOL_MF_MOVE, MPOL_MF_MOVE_ALL: abi.MPOL_MF_MOVE_ALL, MPOL_MF_LAZY: 8,
};
const ARGC: Record<ReplayedCall, number> = { mbind: 6, set_mempolicy: 3, get_mempolicy: 5, move_pages: 6, migrate_pages: 4 };

/** What a line is, before its arguments are read. */
type Shape = { kind: "call"; tid: number | undefined; name: string; rest: string } | { kind: "resumed"; tid: number | undefined; name: string; rest: string }
  | { kind: "other" } | { kind: "unknown" };

/**
 * Whether a line has the shape of an strace line (a syscall, a resumed syscall, a signal or an
 * exit), for format detection.
 * @example Basic usage
 * ```ts
 * expect(looksLikeStrace("[pid  4247] mbind(0x7f0000000000, 8192, MPOL_BIND, [0x3], 1025, MPOL_MF_MOVE) = 0")).toBe(true);
 * expect(looksLikeStrace('{"eventName":"mbind"}')).toBe(false);
 * ```
 */
export function looksLikeStrace(text: string): boolean {
  const s = shape(text);
  return s.kind !== "unknown";
}

function shape(text: string): Shape {
  const m = LINE.exec(text.trim())!;
  const tid = m[1] ?? m[2];
  const body = m[3]!;
  const t = tid === undefined ? undefined : Number(tid);
  let c = RESUMED.exec(body);
  if (c) return { kind: "resumed", tid: t, name: c[1]!, rest: c[2]! };
  c = CALL.exec(body);
  if (c) return { kind: "call", tid: t, name: c[1]!, rest: c[2]! };
  if (/^(\+\+\+|---) .* (\+\+\+|---)$/.test(body) || /^strace: /.test(body)) return { kind: "other" };
  return { kind: "unknown" };
}

/**
 * Reads an strace log line by line into replay events. Calls split across lines are joined by
 * thread; thread ids are mapped to their process at the end, from clone lines when the log has
 * them. Lines that are not strace's (a program's own output mixed in) become warnings.
 * @example Basic usage
 * ```ts
 * const r = new StraceReader(0);
 * r.push("12 mbind(0x7f0000000000, 8192, MPOL_BIND, [0x3], 1025, MPOL_MF_MOVE <unfinished ...>", 1);
 * r.push("12 <... mbind resumed>) = 0", 2);
 * const [e] = r.finish();
 * expect(e).toMatchObject({ call: "mbind", line: 1, pid: 12, tid: 12, mode: 2, mask: { nodes: [0, 1] }, flags: 2, result: 0n });
 * ```
 */
export class StraceReader {
  readonly warnings: ReplayWarning[] = [];
  readonly #events: ReplayEvent[] = [];
  readonly #pending = new Map<string, { line: number; head: string }>();
  readonly #leader = new Map<number, number>();
  readonly #defaultPid: number;

  /** @param defaultPid the process of lines without a pid prefix (strace without -f) */
  constructor(defaultPid: number) { this.#defaultPid = defaultPid; }

  /** Reads one line (1-based `line`); throws TraceFormatError for a memory-policy call it cannot read. */
  push(text: string, line: number): void {
    if (text.trim() === "") return;
    const s = shape(text);
    if (s.kind === "other") return;
    if (s.kind === "unknown") {
      this.warnings.push({ line, message: `not an strace line, skipped: ${clip(text)}` });
      return;
    }
    const tid = s.tid ?? this.#defaultPid;
    const watched = isReplayed(s.name) || PROCESS_CALLS.has(s.name) || (MAPPING_CALLS as readonly string[]).includes(s.name);
    if (!watched) return;
    const key = `${tid}/${s.name}`;
    if (s.kind === "call") {
      if (UNFINISHED.test(s.rest)) { this.#pending.set(key, { line, head: s.rest.replace(UNFINISHED, " ") }); return; }
      this.#complete(s.name, tid, s.rest, line);
      return;
    }
    const start = this.#pending.get(key);
    if (!start) {
      this.warnings.push({ line, message: `${s.name} resumed without its start (the log begins in the middle of the call), skipped` });
      return;
    }
    this.#pending.delete(key);
    if (UNFINISHED.test(s.rest)) return this.#unknown(s.name, start.line); // killed during the call
    this.#complete(s.name, tid, start.head + s.rest, start.line);
  }

  /** The events in the order their calls completed, each with its process id settled. */
  finish(): ReplayEvent[] {
    for (const [key, p] of this.#pending) this.#unknown(key.split("/")[1]!, p.line);
    this.#pending.clear();
    const leader = (tid: number): number => {
      let t = tid;
      for (let hops = 0; this.#leader.has(t) && this.#leader.get(t) !== t && hops < 64; hops++) t = this.#leader.get(t)!;
      return t;
    };
    for (const e of this.#events) e.pid = leader(e.tid);
    return this.#events;
  }

  #unknown(name: string, line: number): void {
    this.warnings.push({ line, message: `${name} never returned in the log (the process was killed or the log ends), skipped` });
  }

  #complete(name: string, tid: number, text: string, line: number): void {
    const m = RESULT.exec(text);
    if (!m) throw new TraceFormatError(line, `${name}: cannot find the end of its arguments and the result ("...) = 0" or "...) = -1 EINVAL (...)")`);
    if (m[2] === "?") return this.#unknown(name, line);
    const ret = BigInt(m[2]!);
    const res: CallResult = m[3] !== undefined || ret < 0n ? { result: ret, error: m[3] ?? "unknown error" } : { result: ret };
    const args = splitArgs(m[1]!);
    if (PROCESS_CALLS.has(name)) {
      // A new thread joins its creator's process; a new process is its own leader.
      if (!res.error && ret > 0n) this.#leader.set(Number(ret), /\bCLONE_THREAD\b/.test(m[1]!) ? tid : Number(ret));
      return;
    }
    const src = { line, pid: tid, tid, ...res };
    const at = (i: number): ArgReader => new ArgReader(args[i]!, i, name, line);
    if (name === "munmap" || name === "mmap") {
      // A removed or fresh mapping has no policy: munmap(addr, len) = 0; mmap(..., len, ...) = addr.
      if (res.error === undefined && args.length >= 2) this.#events.push({ call: name, ...src, addr: name === "mmap" ? ret : at(0).int(), len: at(1).int() });
      return;
    }
    const call = name as ReplayedCall;
    if (args.length !== ARGC[call]) throw new TraceFormatError(line, `${name} has ${args.length} arguments, strace prints ${ARGC[call]}`);
    switch (call) {
      case "mbind": {
        const maxnode = at(4).int();
        this.#events.push({ call, ...src, addr: at(0).int(), len: at(1).int(), mode: at(2).words(MODES), mask: at(3).mask(maxnode), flags: at(5).words(FLAGS) });
        return;
      }
      case "set_mempolicy":
        this.#events.push({ call, ...src, mode: at(0).words(MODES), mask: at(1).mask(at(2).int()) });
        return;
      case "get_mempolicy":
        this.#events.push({ call, ...src });
        return;
      case "move_pages": {
        const nodes = at(3).intList();
        this.#events.push({ call, ...src, target: Number(at(0).int()), count: at(1).int(), flags: at(5).words(FLAGS),
          nodes: nodes === "null" ? "query" : nodes === undefined ? null : [...new Set(nodes.values)].sort((a, b) => a - b),
          ...(nodes !== "null" && nodes?.truncated ? { truncated: true } : {}) });
        return;
      }
      case "migrate_pages": {
        const maxnode = at(1).int();
        this.#events.push({ call, ...src, target: Number(at(0).int()), from: at(2).mask(maxnode), to: at(3).mask(maxnode) });
      }
    }
  }
}

const isReplayed = (name: string): name is ReplayedCall => (REPLAYED_CALLS as readonly string[]).includes(name);
const clip = (s: string): string => (s.length > 60 ? `${s.slice(0, 57)}...` : s);

/** Splits an argument list at top-level commas (not inside [], {}, (), strings or comments). */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0, i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\"") { i++; while (i < text.length && text[i] !== "\"") i += text[i] === "\\" ? 2 : 1; }
    else if (c === "/" && text[i + 1] === "*") { const e = text.indexOf("*/", i + 2); i = e < 0 ? text.length : e + 1; }
    else if (c === "[" || c === "{" || c === "(") depth++;
    else if (c === "]" || c === "}" || c === ")") depth--;
    else if (c === "," && depth === 0) { out.push(text.slice(start, i).trim()); start = i + 1; }
    i++;
  }
  const last = text.slice(start).trim();
  if (last !== "" || out.length > 0) out.push(last);
  return out;
}

/** One argument's text, read as the kind of value it should hold. */
class ArgReader {
  readonly #text: string;
  constructor(text: string, readonly index: number, readonly call: string, readonly line: number) {
    this.#text = text.replace(/\/\*.*?\*\//g, "").trim(); // strace's comments: "0x6 /* MPOL_??? */"
  }

  #fail(what: string): never {
    throw new TraceFormatError(this.line, `${this.call} argument ${this.index + 1} is ${JSON.stringify(this.#text)}, ${what}`);
  }

  /** A number: decimal, negative, or 0x hex. */
  int(): bigint {
    if (!/^(?:-?\d+|0x[0-9a-f]+)$/i.test(this.#text)) this.#fail("where a number is expected");
    return BigInt(this.#text);
  }

  /** Names or numbers joined by "|" ("MPOL_BIND|MPOL_F_STATIC_NODES", "0x6", "0"). */
  words(names: Record<string, number>): number {
    let v = 0;
    for (const t of this.#text.split("|").map((s) => s.trim())) {
      const n = names[t];
      if (n !== undefined) v |= n;
      else if (/^(?:\d+|0x[0-9a-f]+)$/i.test(t)) v |= Number(BigInt(t) & 0xffffffffn);
      else this.#fail(`with ${JSON.stringify(t)}, which is neither a number nor one of ${Object.keys(names).join(", ")}`);
    }
    return v | 0;
  }

  /**
   * A nodemask of `maxnode`: NULL or [] is empty; [0x3] or [0x..., 0000...] are words (word 0
   * first); [0 1] is a node list; a bare address is a mask strace did not read. The kernel reads
   * maxnode - 1 bits, so nodes past them do not count.
   */
  mask(maxnode: bigint): MaskArg {
    const t = this.#text, bits = maxnode > 0n ? Number(maxnode - 1n > 32768n ? 32768n : maxnode - 1n) : 0;
    if (t === "NULL" || bits === 0) return { nodes: [] };
    if (/^(?:0x[0-9a-f]+|\d+)$/i.test(t)) return { nodes: null, key: `ptr ${t}; maxnode ${maxnode}` };
    const m = /^\[(.*)\]$/.exec(t);
    if (!m) this.#fail("where a nodemask (NULL, [0x3], [0 1] or an address) is expected");
    const inner = m[1]!.trim();
    if (inner === "") return { nodes: [] };
    if (/\.\.\./.test(inner)) return { nodes: null, key: `strace showed only ${t}; maxnode ${maxnode}` };
    const items = inner.split(inner.includes(",") ? /\s*,\s*/ : /\s+/);
    const words = inner.includes(",") || items.some((s) => /^0x/i.test(s) || s.length === 16);
    if (words) {
      if (!items.every((s) => /^(?:0x)?[0-9a-f]+$/i.test(s))) this.#fail("a nodemask whose words are not all hex");
      return { nodes: maskWordsNodes(items.map((s) => BigInt(/^0x/i.test(s) ? s : `0x${s}`)), bits) };
    }
    const nodes = new Set<number>();
    for (const s of items) {
      const r = /^(\d+)(?:-(\d+))?$/.exec(s);
      if (!r) this.#fail("a node list with an item that is not a node or a range");
      for (let n = Number(r![1]); n <= Number(r![2] ?? r![1]) && n < bits; n++) nodes.add(n);
    }
    return { nodes: [...nodes].sort((a, b) => a - b) };
  }

  /** An int array ("[0, 0, ...]"), "null" for NULL, undefined for an address strace did not read. */
  intList(): { values: number[]; truncated: boolean } | "null" | undefined {
    const t = this.#text;
    if (t === "NULL") return "null";
    if (/^(?:0x[0-9a-f]+|\d+)$/i.test(t)) return undefined;
    const m = /^\[(.*)\]$/.exec(t);
    if (!m) this.#fail("where an array of ints is expected");
    const items = m![1]!.split(",").map((s) => s.trim()).filter((s) => s !== "");
    const truncated = items.at(-1) === "...";
    const values = (truncated ? items.slice(0, -1) : items).map((s) => {
      if (!/^-?\d+$/.test(s)) this.#fail("an array with an item that is not an int");
      return Number(s);
    });
    return { values, truncated };
  }
}
