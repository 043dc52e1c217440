import { MASK_MAX_BITS, V_MOVE_ALL } from "../../../assembly/abi.ts";
import type { Context } from "../context.ts";
import { ERRNO, invalid, NumaError, unsupported } from "../errors.ts";
import { checkMoveOptions, kernelError, type MoveOptions, runMovePages } from "../kernel/mod.ts";
import { ruleMessage } from "../plan/mod.ts";
import { Nodemask, type Policy, toKernelPolicy } from "../policy/mod.ts";
import { booleanField, checkOptions } from "../shapes.ts";
import { extentOf, freedBufferError, pageSpan, resolveTarget, type PageSpan, type Target } from "../targets/mod.ts";

/** Where pages are, and moving them. */
export interface PagesApi {
  /**
   * The node of every page the target touches (move_pages with no nodes: a query that
   * faults nothing in). Entry i is the page at floor(start / pageSize) + i. Negative entries
   * are -errno: -ENOENT (-2) not faulted in yet, -EFAULT (-14) no page (unmapped, or the
   * shared zero page). describePageStatus() puts any entry into words.
   */
  locate(target: Target, opts?: { unsafeRawAddress?: boolean }): Int32Array;
  /**
   * Moves the pages the target fully owns to `to` (one node, or one per page) and returns the
   * status of each page afterwards: its node, or -errno (-EACCES shared without moveAll,
   * -EBUSY, -ENOMEM, ...). Whole-call errors (ENODEV, EACCES, EPERM) throw a NumaError.
   */
  movePages(target: Target, to: number | Int32Array | readonly number[], opts?: MoveOptions): Int32Array;
  /**
   * Moves every page of process `pid` (0: this process) that lies on `from` to `to`
   * (migrate_pages). Returns the number of pages that could not be moved.
   */
  migratePages(pid: number, from: Policy["nodes"], to: Policy["nodes"]): number;
}

/** A node list argument as a Nodemask, through the same parser policies use. */
function maskArg(nodes: Policy["nodes"], arg: string): Nodemask {
  if (Nodemask.isNodemask(nodes)) return nodes;
  if (nodes === undefined || nodes === null) throw new TypeError(`Cannot use ${arg}: it must list nodes, current value is ${String(nodes)}`);
  if (Array.isArray(nodes)) return Nodemask.of(...nodes.map((n: unknown, i: number) => nodeArg(n, `${arg}[${i}]`)));
  // Other forms (nodestrings, where the policy parser takes them) go through that parser.
  return toKernelPolicy({ mode: "bind", nodes }, arg).mask ?? Nodemask.EMPTY;
}

function nodeArg(n: unknown, arg: string): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n >= MASK_MAX_BITS) {
    throw new RangeError(`Cannot use ${arg}: a node must be an integer in 0..${MASK_MAX_BITS - 1}, current value is ${typeof n === "bigint" ? `${n}n` : String(n)}`);
  }
  return n;
}

/**
 * Builds the pages group over a context (createNumabind merges it into the API).
 * @example
 * ```ts
 * const { locate } = pagesApi(createContext(openBackend()));
 * expect(locate(new ArrayBuffer(4096))[0]).toBeLessThan(0); // untouched: -ENOENT
 * ```
 */
export function pagesApi(ctx: Context): PagesApi {
  /** Refuses target nodes the kernel would refuse, with the kernel's own code for each. */
  const checkTargets = (nodes: Iterable<number>, arg: string): void => {
    const t = ctx.topology();
    for (const n of new Set(nodes)) {
      if (!t.online.has(n) || !t.withMemory.has(n)) {
        throw new NumaError(`Cannot move pages to node ${n} (${arg}): it is ${t.online.has(n) ? "online but has no memory" : "not online"}; nodes with memory: ${t.withMemory.toList()}`, { code: "ENODEV", arg });
      }
      if (!t.memsAllowed.has(n)) {
        throw new NumaError(`Cannot move pages to node ${n} (${arg}): it is outside this task's Mems_allowed (${t.memsAllowed.toList()}), a cpuset or cgroup cpuset.mems restriction`, { code: "EACCES", arg });
      }
    }
  };

  /** The target's pages: all it touches, or (`owned`) only those it fully owns. */
  const span = (target: Target, owned: boolean, unsafeRawAddress: boolean): PageSpan => {
    const t = resolveTarget(target, "target", ctx.addressOf, unsafeRawAddress);
    if (t.kind !== 0 && ctx.allocations.isFreed(extentOf(target)!.buffer as ArrayBuffer)) {
      throw freedBufferError("target", "use target");
    }
    return pageSpan(t, ctx.facts().pageSize, "target", owned);
  };

  return {
    locate(target, opts = {}) {
      checkOptions(opts, ["unsafeRawAddress"], "locate() options");
      return runMovePages(ctx.backend, span(target, false, booleanField(opts.unsafeRawAddress, "opts.unsafeRawAddress")), null, {}, "locate pages");
    },

    movePages(target, to, opts = {}) {
      ctx.engine.refuseWhileApplying("move pages");
      checkMoveOptions(opts);
      const s = span(target, true, !!opts.unsafeRawAddress);
      let nodes: Int32Array;
      if (typeof to === "number") {
        nodes = new Int32Array(s.count).fill(nodeArg(to, "to"));
        checkTargets([to], "to");
      } else if (to instanceof Int32Array || Array.isArray(to)) {
        if (to.length !== s.count) {
          throw invalid("to", `Cannot move pages: to must give one node per page the target fully owns (${s.count}), current length is ${to.length}`);
        }
        nodes = Int32Array.from(to, (n: number, i: number) => nodeArg(n, `to[${i}]`));
        checkTargets(nodes, "to");
      } else {
        throw new TypeError(`Cannot use to: it must be a node number, an Int32Array or a number[], current value is ${to === null ? "null" : typeof to}`);
      }
      if (opts.moveAll === true && ctx.facts().kernel?.capSysNice === false) {
        // The capability mbind's MPOL_MF_MOVE_ALL needs, and the words the rule has there.
        const { rule } = ruleMessage(V_MOVE_ALL, { mode: 0, nodes: "", flags: 0, usable: "", maxNumNodes: 0, mpolMax: 0, kernelPage: 0 });
        throw new NumaError(`Cannot move pages: ${rule}`, { code: "EPERM", errno: ERRNO.EPERM, syscall: "validate", arg: "opts.moveAll" });
      }
      return runMovePages(ctx.backend, s, nodes, opts, "move pages");
    },

    migratePages(pid, from, to) {
      ctx.engine.refuseWhileApplying("migrate pages");
      if (typeof pid !== "number" || !Number.isInteger(pid) || pid < 0 || pid > 0x7fffffff) {
        throw new RangeError(`Cannot migrate pages: pid must be an integer in 0..2^31-1 (0: this process), current value is ${String(pid)}`);
      }
      const f = maskArg(from, "from"), t = maskArg(to, "to");
      const topo = ctx.topology();
      if (t.intersect(topo.withMemory).isEmpty) {
        throw invalid("to", `Cannot migrate pages: to must hold at least one node with memory (${topo.withMemory.toList()}), current value is ${t.toList() || "empty"}`);
      }
      const b = ctx.backend;
      if (!b.migratePages) throw unsupported("migrate pages", b.name, "migrate_pages");
      const words = Math.max(f.words64, t.words64, ctx.maskWords());
      const bytes = (m: Nodemask): Uint8Array => new Uint8Array(m.toWords(words).buffer);
      const r = b.migratePages(pid, words, bytes(f), bytes(t));
      if (r < 0) {
        throw kernelError({ syscall: "migrate_pages", errno: -r, action: `migrate the pages of pid ${pid}`, arg: "pid", pid, nodes: t.toArray(), mask: t, topology: topo });
      }
      return r;
    },
  };
}
