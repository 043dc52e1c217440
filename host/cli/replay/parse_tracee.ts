// Tracee's two JSON formats, one event per line (shared/reference/tracee-events.md §3):
// legacy trace.Event (`eventName`, `args[{name,type,value}]`, pointers as JSON numbers past
// 2^53, C type names before v0.24) and v1beta1 (`name`, `data[{name,<type>:value}]`, 64-bit
// values as decimal strings, returnValue as the last data item). numabind's own events are
// legacy lines with a `numabind` field that holds what Tracee cannot read: the mask's nodes.
import { errnoName } from "../../core/mod.ts";
import { type BigJson, BigJsonError, parseBigJson } from "./_bigint_json.ts";
import {
  type CallResult, type EventSource, MAPPING_CALLS, type MappingCall, type MaskArg, REPLAYED_CALLS, type ReplayedCall, type ReplayEvent,
  TraceFormatError,
} from "./events.ts";
import { parseNodeList } from "./policy_words.ts";

type Obj = { [k: string]: BigJson };
const isObj = (v: BigJson | undefined): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v) && typeof v !== "bigint";

/** An integer however Tracee wrote it: a JSON integer, a decimal string, or a "0x" string (parse-arguments). */
function int(v: BigJson | undefined): bigint | undefined {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^(?:-?\d+|0x[0-9a-f]+)$/i.test(v.trim())) return BigInt(v.trim());
  if (isObj(v) && "value" in v) return int(v.value); // a protobuf wrapper: { "value": 4242 }
  return undefined;
}

/** Parses JSON natively when no integer can pass 2^53 (no run of 16 digits): exact, and 10x faster. */
function parseLine(text: string): BigJson {
  if (/\d{16}/.test(text)) return parseBigJson(text);
  try {
    return JSON.parse(text) as BigJson;
  } catch {
    return parseBigJson(text); // for its error, which names the column
  }
}

/** Reads a line as a JSON object, or says why it is not one. */
function object(text: string, line: number, what: string): Obj {
  let v: BigJson;
  try {
    v = parseLine(text);
  } catch (e) {
    const why = e instanceof BigJsonError ? e.message : String(e);
    throw new TraceFormatError(line, `not a ${what} JSON line (${why}); each line must be one event as Tracee's --output json writes it`);
  }
  if (!isObj(v)) throw new TraceFormatError(line, `not a ${what} event: a JSON ${Array.isArray(v) ? "array" : typeof v}, where an object is expected`);
  return v;
}

/** The fields every format gives, read into one shape. */
interface Fields {
  name: ReplayedCall | MappingCall;
  args: Map<string, bigint>;
  src: EventSource;
  ret: bigint | undefined;
  numabind: Obj | undefined;
}

/**
 * One Tracee legacy line (`trace.Event`) as a replay event, or undefined for events other
 * than the five memory-policy syscalls. Argument types are not looked at, so v0.23's C type
 * names ("const unsigned long*") read like v0.24's ("trace.Pointer").
 * @param line the 1-based line number errors name
 * @example Basic usage
 * ```ts
 * const e = parseTraceeLegacy('{"eventName":"set_mempolicy","processId":7,"threadId":8,"returnValue":0,"args":[{"name":"mode","type":"int32","value":3},{"name":"nodemask","type":"trace.Pointer","value":140725765221920},{"name":"maxnode","type":"uint64","value":1025}]}', 1);
 * expect(e).toMatchObject({ call: "set_mempolicy", pid: 7, tid: 8, mode: 3, mask: { nodes: null } });
 * ```
 */
export function parseTraceeLegacy(text: string, line: number): ReplayEvent | undefined {
  const o = object(text, line, "Tracee legacy");
  if (typeof o.eventName !== "string" || !Array.isArray(o.args)) {
    throw new TraceFormatError(line, `not a Tracee legacy event: it needs "eventName" and "args"${typeof o.name === "string" && Array.isArray(o.data) ? " (this line is a v1beta1 event: pass --format tracee-v1)" : ""}`);
  }
  if (!isReplayed(o.eventName)) return undefined;
  const args = new Map<string, bigint>();
  for (const a of o.args) {
    if (!isObj(a) || typeof a.name !== "string") throw new TraceFormatError(line, `${o.eventName}: each of "args" must be { name, type, value }`);
    const v = int(a.value);
    if (v !== undefined) args.set(a.name, v);
  }
  const ret = args.get("returnValue") ?? int(o.returnValue);
  return toEvent({ name: o.eventName, args, src: source(o.processId, o.threadId, o.hostProcessId, line, o.eventName), ret, numabind: isObj(o.numabind) ? o.numabind : undefined });
}

/**
 * One Tracee v1beta1 line as a replay event, or undefined for other events: pid from
 * workload.process.pid, tid from workload.process.thread.tid, returnValue from the data item
 * of that name.
 * @param line the 1-based line number errors name
 * @example Basic usage
 * ```ts
 * const e = parseTraceeV1('{"timestamp":"2026-01-05T08:02:03.456123456Z","id":239,"name":"set_mempolicy","workload":{"process":{"pid":7,"thread":{"tid":8}}},"data":[{"name":"mode","int32":0},{"name":"nodemask","pointer":"0"},{"name":"maxnode","u_int64":"0"},{"name":"returnValue","int64":"0"}]}', 1);
 * expect(e).toMatchObject({ call: "set_mempolicy", pid: 7, tid: 8, mode: 0, mask: { nodes: [] }, result: 0n });
 * ```
 */
export function parseTraceeV1(text: string, line: number): ReplayEvent | undefined {
  const o = object(text, line, "Tracee v1beta1");
  if (typeof o.name !== "string" || !Array.isArray(o.data)) {
    throw new TraceFormatError(line, `not a Tracee v1beta1 event: it needs "name" and "data"${typeof o.eventName === "string" ? " (this line is a legacy event: pass --format tracee)" : ""}`);
  }
  if (!isReplayed(o.name)) return undefined;
  const args = new Map<string, bigint>();
  for (const d of o.data) {
    if (!isObj(d) || typeof d.name !== "string") throw new TraceFormatError(line, `${o.name}: each of "data" must be { name, <type>: value }`);
    const key = Object.keys(d).find((k) => k !== "name");
    const v = key === undefined ? undefined : int(d[key]);
    if (v !== undefined) args.set(d.name, v);
  }
  const proc = isObj(o.workload) && isObj(o.workload.process) ? o.workload.process : {};
  const thread = isObj(proc.thread) ? proc.thread : {};
  return toEvent({ name: o.name, args, src: source(proc.pid, thread.tid, proc.host_pid, line, o.name), ret: args.get("returnValue"), numabind: isObj(o.numabind) ? o.numabind : undefined });
}

const isReplayed = (name: string): name is ReplayedCall | MappingCall =>
  (REPLAYED_CALLS as readonly string[]).includes(name) || (MAPPING_CALLS as readonly string[]).includes(name);

function source(pid: BigJson | undefined, tid: BigJson | undefined, hostPid: BigJson | undefined, line: number, name: string): EventSource {
  const p = int(pid), t = int(tid), h = int(hostPid);
  if (p === undefined) throw new TraceFormatError(line, `${name}: the event has no process id (processId, or workload.process.pid)`);
  return { line, pid: Number(p), tid: t === undefined ? Number(p) : Number(t), ...(h === undefined ? {} : { hostPid: Number(h) }) };
}

/** The event of one memory-policy syscall from its named arguments. */
function toEvent(f: Fields): ReplayEvent {
  const { name, args, src } = f;
  const need = (arg: string): bigint => {
    const v = args.get(arg);
    if (v === undefined) throw new TraceFormatError(src.line, `${name}: the event has no "${arg}" argument (or it is not an integer)`);
    return v;
  };
  if (f.ret === undefined) throw new TraceFormatError(src.line, `${name}: the event has no returnValue`);
  const res: CallResult = f.ret < 0n ? { result: -1n, error: errnoName(Number(-f.ret)) } : { result: f.ret };
  const nb = f.numabind;
  const nbNodes = (key: string): number[] | undefined => (nb && typeof nb[key] === "string" ? parseNodeList(nb[key] as string) : undefined);
  switch (name) {
    case "mbind": {
      const e = { call: name, ...src, ...res, addr: need("addr"), len: need("len"), mode: Number(need("mode")),
        mask: mask(need("nodemask"), need("maxnode"), nbNodes("nodes")), flags: Number(need("flags")) } as const;
      const request = nb ? int(nb.request) : undefined;
      return request === undefined ? e : { ...e, request: Number(request) };
    }
    case "set_mempolicy":
      return { call: name, ...src, ...res, mode: Number(need("mode")), mask: mask(need("nodemask"), need("maxnode"), nbNodes("nodes")) };
    case "get_mempolicy":
      return { call: name, ...src, ...res };
    case "move_pages": {
      const nodesPtr = need("nodes"), known = nbNodes("nodes");
      return { call: name, ...src, ...res, target: Number(need("pid")), count: need("count"), flags: Number(need("flags")),
        nodes: nodesPtr === 0n ? "query" : known ?? null };
    }
    case "munmap":
      return { call: name, ...src, ...res, addr: need("addr"), len: need("length") };
    case "mmap":
      return { call: name, ...src, ...res, addr: f.ret, len: need("length") };
    case "migrate_pages": {
      const maxnode = need("maxnode");
      return { call: name, ...src, ...res, target: Number(need("pid")),
        from: mask(need("old_nodes"), maxnode, nbNodes("nodes")), to: mask(need("new_nodes"), maxnode, nbNodes("toNodes")) };
    }
  }
}

/**
 * A nodemask argument from its pointer and maxnode: NULL, or maxnode 0 or 1, reads no node
 * (kernel-mempolicy.md §2); otherwise the nodes are unknown unless numabind said.
 */
function mask(ptr: bigint, maxnode: bigint, known: number[] | undefined): MaskArg {
  if (known !== undefined) return { nodes: known.filter((n) => BigInt(n) < maxnode - 1n) };
  if (ptr === 0n || maxnode <= 1n) return { nodes: [] };
  return { nodes: null, key: `ptr 0x${ptr.toString(16)}; maxnode ${maxnode}` };
}
