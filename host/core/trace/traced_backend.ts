import { NO_MASK, OP_SIZE } from "../../../assembly/abi.ts";
import type { Backend, KernelHooks } from "../backend/mod.ts";
import { MPOL_F_NODE } from "../kernel/mod.ts";
import { opAt, opBigAddr, opBigLen, opFlags, opMask, opMode, opRequest } from "../records/mod.ts";
import { decodeBindFlags, decodeMode, maskList, type NumabindDetail, type TraceArg, TRACEE_IDS, type TraceSink } from "./event.ts";
import { type TraceIdentity, traceIdentity } from "./_identity.ts";

const ptr = (name: string, value: bigint): TraceArg => ({ name, type: "trace.Pointer", value });
const u64 = (name: string, value: number | bigint): TraceArg => ({ name, type: "uint64", value: BigInt(value) });
const i32 = (name: string, value: number): TraceArg => ({ name, type: "int32", value });
const u32 = (name: string, value: number): TraceArg => ({ name, type: "uint32", value });

/** The time now in nanoseconds since the epoch (to the microsecond: what performance gives). */
const nowNs = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;

/**
 * The backend with every memory-policy and placement hook reporting each syscall it issues to
 * `sink`, as a Tracee legacy event with the decoded policy added. Only an instance built with
 * a trace gets it: without one, calls go straight to the backend, at no cost.
 * @example Basic usage
 * ```ts
 * const events: TraceEvent[] = [];
 * const nb = createNumabind(tracedBackend(openBackend(), (e) => events.push(e)));
 * nb.setThreadPolicy({ mode: "default" });
 * expect(events[0]!.eventName).toBe("set_mempolicy");
 * ```
 */
export function tracedBackend(backend: Backend, sink: TraceSink, id: TraceIdentity = traceIdentity()): Backend {
  let complained = false;
  const emit = (name: string, returnValue: number, args: TraceArg[], numabind: NumabindDetail, timestamp = nowNs()): void => {
    try {
      sink({
        timestamp, processId: id.pid, threadId: id.tid, hostProcessId: id.pid, hostThreadId: id.tid, processName: id.comm,
        eventId: String(TRACEE_IDS[name]![id.arch]), eventName: name, argsNum: args.length, returnValue, syscall: name, args, numabind,
      });
    } catch (e) {
      // The syscall has happened; failing the call now would misreport it. Say so once.
      if (!complained) console.error(`numabind: the trace callback threw (${e instanceof Error ? e.message : String(e)}); the calls themselves went through; later throws are not shown`);
      complained = true;
    }
  };
  const at = (view: Uint8Array | null | undefined, offset = 0): bigint => (view && view.byteLength > 0 ? backend.addressOf(view) + BigInt(offset) : 0n);
  const policy = (mode: number, mask: Uint8Array | null, words: number): NumabindDetail => ({
    ...decodeMode(mode), nodes: mask ? maskList(mask.subarray(0, words * 8)) : "",
  });
  const b: KernelHooks = backend;
  const hooks: KernelHooks = {};
  if (b.mbindOne) {
    const f = b.mbindOne;
    hooks.mbindOne = (addr, len, mode, flags, mask, words) => {
      const r = f.call(backend, addr, len, mode, flags, mask, words);
      emit("mbind", r, mbindArgs(BigInt(addr), BigInt(len), mode, at(mask), mask ? words * 64 + 1 : 0, flags),
        { ...policy(mode, mask, words), flags: decodeBindFlags(flags) });
      return r;
    };
  }
  if (b.mbindBatch) {
    const f = b.mbindBatch;
    hooks.mbindBatch = (ops, count, masks, words, errnos, continueOnError) => {
      const n = f.call(backend, ops, count, masks, words, errnos, continueOnError);
      const t = nowNs(), rec = new Uint32Array(ops.buffer, ops.byteOffset, count * (OP_SIZE / 4));
      const err = new Int32Array(errnos.buffer, errnos.byteOffset, count), base = at(masks);
      for (let i = 0; i < n; i++) {
        const o = opAt(i), m = opMask(rec, o), mode = opMode(rec, o), flags = opFlags(rec, o);
        const mask = m === NO_MASK ? null : masks.subarray(m * words * 8, (m + 1) * words * 8);
        emit("mbind", -err[i]!, mbindArgs(opBigAddr(rec, o), opBigLen(rec, o), mode, mask ? base + BigInt(m * words * 8) : 0n, mask ? words * 64 + 1 : 0, flags),
          { ...policy(mode, mask, words), flags: decodeBindFlags(flags), request: opRequest(rec, o) }, t);
      }
      return n;
    };
  }
  if (b.getMempolicy) {
    const f = b.getMempolicy;
    hooks.getMempolicy = (mode, mask, maxnode, addr, flags) => {
      const r = f.call(backend, mode, mask, maxnode, addr, flags);
      const word = new Int32Array(mode.buffer, mode.byteOffset, 1)[0]!;
      emit("get_mempolicy", r, [ptr("mode", at(mode)), ptr("nodemask", at(mask)), u64("maxnode", maxnode), ptr("addr", addr), u64("flags", flags)],
        r < 0 || flags & MPOL_F_NODE ? {} : { ...decodeMode(word), nodes: maskList(mask) });
      return r;
    };
  }
  if (b.getMempolicyBatch) {
    const f = b.getMempolicyBatch;
    hooks.getMempolicyBatch = (addrs, count, modes, masks, words, flags, errnos) => {
      const failed = f.call(backend, addrs, count, modes, masks, words, flags, errnos);
      const t = nowNs(), a = new BigUint64Array(addrs.buffer, addrs.byteOffset, count);
      const m = new Int32Array(modes.buffer, modes.byteOffset, count), e = new Int32Array(errnos.buffer, errnos.byteOffset, count);
      for (let i = 0; i < count; i++) {
        const mask = masks.subarray(i * words * 8, (i + 1) * words * 8);
        emit("get_mempolicy", -e[i]!, [ptr("mode", at(modes, i * 4)), ptr("nodemask", at(masks, i * words * 8)), u64("maxnode", words * 64 + 1), ptr("addr", a[i]!), u64("flags", flags)],
          e[i] !== 0 || flags & MPOL_F_NODE ? {} : { ...decodeMode(m[i]!), nodes: maskList(mask) }, t);
      }
      return failed;
    };
  }
  if (b.setMempolicy) {
    const f = b.setMempolicy;
    hooks.setMempolicy = (mode, mask, words) => {
      const r = f.call(backend, mode, mask, words);
      emit("set_mempolicy", r, [i32("mode", mode), ptr("nodemask", at(mask)), u64("maxnode", mask ? words * 64 + 1 : 0)], policy(mode, mask, words));
      return r;
    };
  }
  if (b.movePages) {
    const f = b.movePages;
    hooks.movePages = (pid, count, pages, nodes, status, flags, chunk) => {
      const r = f.call(backend, pid, count, pages, nodes, status, flags, chunk);
      const t = nowNs(), size = chunk > 0 ? chunk : Math.max(1, count);
      // One event per move_pages call the backend made: the chunks up to the one that failed.
      const calls = r.result < 0 ? Math.floor(r.done / size) + 1 : Math.ceil(count / size);
      const to = nodes && new Int32Array(nodes.buffer, nodes.byteOffset, count);
      for (let k = 0; k < calls; k++) {
        const first = k * size, n = Math.min(size, count - first);
        const last = k === calls - 1;
        emit("move_pages", last ? r.result : 0,
          [i32("pid", pid), u64("count", n), ptr("pages", at(pages, first * 8)), ptr("nodes", nodes ? at(nodes, first * 4) : 0n), ptr("status", at(status, first * 4)), i32("flags", flags)],
          { ...(to ? { nodes: [...new Set(to.subarray(first, first + n))].sort((x, y) => x - y).join(",") } : {}), flags: decodeBindFlags(flags) }, t);
      }
      return r;
    };
  }
  if (b.migratePages) {
    const f = b.migratePages;
    hooks.migratePages = (pid, words, from, to) => {
      const r = f.call(backend, pid, words, from, to);
      emit("migrate_pages", r, [i32("pid", pid), u64("maxnode", words * 64 + 1), ptr("old_nodes", at(from)), ptr("new_nodes", at(to))],
        { nodes: maskList(from.subarray(0, words * 8)), toNodes: maskList(to.subarray(0, words * 8)) });
      return r;
    };
  }
  if (b.setHomeNode) {
    const f = b.setHomeNode;
    hooks.setHomeNode = (addr, len, node) => {
      const r = f.call(backend, addr, len, node);
      emit("set_mempolicy_home_node", r, [ptr("start", addr), u64("len", len), u64("home_node", node), u64("flags", 0)], { nodes: String(node) });
      return r;
    };
  }
  if (b.getAffinity) {
    const f = b.getAffinity;
    hooks.getAffinity = (mask) => {
      const r = f.call(backend, mask);
      emit("sched_getaffinity", r, [i32("pid", 0), u32("len", mask.byteLength), ptr("user_mask_ptr", at(mask))], {});
      return r;
    };
  }
  if (b.setAffinity) {
    const f = b.setAffinity;
    hooks.setAffinity = (mask) => {
      const r = f.call(backend, mask);
      emit("sched_setaffinity", r, [i32("pid", 0), u32("len", mask.byteLength), ptr("user_mask_ptr", at(mask))], {});
      return r;
    };
  }
  if (b.getCpu) {
    const f = b.getCpu;
    hooks.getCpu = (out) => {
      const r = f.call(backend, out);
      emit("getcpu", r, [ptr("cpu", at(out)), ptr("node", at(out, 4)), ptr("tcache", 0n)], {});
      return r;
    };
  }
  // Everything else (name, path, probe, addressOf, mmap...) is the backend's own.
  return Object.assign(Object.create(backend) as Backend, hooks);
}

function mbindArgs(addr: bigint, len: bigint, mode: number, nodemask: bigint, maxnode: number, flags: number): TraceArg[] {
  return [ptr("addr", addr), u64("len", len), i32("mode", mode), ptr("nodemask", nodemask), u64("maxnode", maxnode), u32("flags", flags)];
}
