import * as abi from "../../../assembly/abi.ts";
import { ERRNO, hexAddress, invalid, NumaError } from "../errors.ts";
import type { KernelPolicy, Nodemask } from "../policy/mod.ts";
import { ruleMessage, verdictErrno } from "./kernel_rules.ts";
import type { EngineOptions } from "./options.ts";
import type { RequestNames } from "./types.ts";

/** What planError needs to explain an engine refusal. */
export interface PlanErrorContext {
  index: number;
  other: bigint;
  rule: number;
  /** Number of requests, and request i's range and kernel policy (read only on error). */
  requests: number;
  requestAt: (i: number) => { t: { addr: bigint; length: bigint }; kp: KernelPolicy; flags: number } | undefined;
  usable: Nodemask;
  opts: EngineOptions;
  stats: { estimatedVmas: number; ops: number };
  kernel: { maxNumNodes: number; mpolMax: number; balancingModes: number };
  kernelPage: number;
  mapCount: number;
  maxMapCount: number;
  /** Mappings kept free below maxMapCount for the runtime. */
  mapReserve: number;
  names: RequestNames;
}

const OPTION_AT: Record<number, string> = {
  [abi.CTL_OVERLAP]: "overlap", [abi.CTL_BLOCK_MODE]: "blockPolicy", [abi.CTL_HUGE]: "hugePageAlign",
  [abi.CTL_BLOCK]: "interleaveBlock", [abi.CTL_CHUNK]: "chunkBytes",
};

/**
 * Turns an engine result code into the NumaError that names the argument and the rule.
 * @example
 * ```ts
 * throw planError(abi.E_OVERLAP, ctx);   // "Cannot plan requests[1]: it overlaps requests[0] ..."
 * ```
 */
export function planError(code: number, c: PlanErrorContext): NumaError {
  const i = c.index, names = c.names;
  const target = names.field(i, "target");
  const r = c.requestAt(i);
  const range = r ? { addr: r.t.addr, length: r.t.length } : undefined;
  const at = r ? `${hexAddress(r.t.addr)}+${r.t.length}` : "";
  const extra = { index: i, ...(range ? { range } : {}) };
  const page = c.opts.pageSize;
  switch (code) {
    case abi.E_RULE: {
      const m = ruleMessage(c.rule, {
        mode: r?.kp.mode ?? 0, nodes: r?.kp.mask?.toList() ?? "", flags: r?.flags ?? 0,
        usable: c.usable.toList(), maxNumNodes: c.kernel.maxNumNodes, mpolMax: c.kernel.mpolMax,
        balancingModes: c.kernel.balancingModes,
        kernelPage: c.kernelPage,
      });
      const errno = verdictErrno(c.rule);
      const where = m.arg === "target" ? `, current value is ${at}` : "";
      // The rule blames "policy.nodes", "flags.moveAll", "target": the request's field, then the rest.
      const [head, ...rest] = m.arg.split(".") as ["target" | "policy" | "flags", ...string[]];
      return new NumaError(`Cannot ${names.act(i)}: ${m.rule}${where}`, {
        code: errno === ERRNO.EPERM ? "EPERM" : "EINVAL", errno, syscall: "validate", arg: [names.field(i, head), ...rest].join("."), ...extra,
      });
    }
    case abi.E_NO_FULL_PAGE:
      return invalid(target, `Cannot bind ${target}: a buffer is bound only on the ${page}-byte pages it fully owns, and ${at} owns none`, extra);
    case abi.E_UNALIGNED:
      return invalid(target, `Cannot bind ${target}: a raw range must start and end on a ${page}-byte page boundary, current value is ${at}`, extra);
    case abi.E_EMPTY_RANGE:
      return invalid(target, `Cannot bind ${target}: the raw range is empty`, extra);
    case abi.E_WRAP:
      return invalid(target, `Cannot bind ${target}: addr + length wraps past the end of the address space, current value is ${at}`, extra);
    case abi.E_OVERLAP:
      return invalid(target, `Cannot ${names.act(i)}: it overlaps requests[${c.other}], and overlap is "error"; use overlap: "last-wins" to let the later request win`, extra);
    case abi.E_MASK_INDEX:
      return invalid(names.field(i, "policy"), `Cannot ${names.act(i)}: its mask index is outside the mask table`, extra);
    case abi.E_WEIGHT:
      return invalid(`${names.field(i, "policy")}.nodes`, `Cannot ${names.act(i)}: none of its interleave nodes (${r?.kp.mask?.toList() ?? ""}) is usable with a positive weight, so no block can be placed`, extra);
    case abi.E_VMA_BUDGET: {
      const est = Number(c.other);
      const fix = c.opts.block > 0n
        ? `raise interleaveBlock (now ${c.opts.block} bytes; every block is a mapping), set hugePageAlign, or drop interleaveBlock to let the kernel interleave inside one mapping`
        : "give neighbouring ranges equal policies so they coalesce, or split the batch over separate mappings";
      const limit = c.mapReserve > 0
        ? `vm.max_map_count = ${c.maxMapCount} less the ${c.mapReserve} mappings kept free for the runtime (mapReserve): ${c.mapCount} + ${est} > ${c.maxMapCount - c.mapReserve}`
        : `vm.max_map_count = ${c.maxMapCount}: ${c.mapCount} + ${est} > ${c.maxMapCount}`;
      return new NumaError(`Cannot plan: the plan adds up to ${est} mappings (VMAs) to the ${c.mapCount} this process has, which passes ${limit} (the kernel would fail with ENOMEM part way, and a process at the limit can abort when the runtime needs memory); nothing was bound; ${fix}; if the limit was raised, pass maxMapCount (0 turns this check off)`,
        { code: "ENOMEM", errno: ERRNO.ENOMEM, syscall: "validate", arg: c.opts.block > 0n ? "interleaveBlock" : "requests" });
    }
    case abi.E_TOO_MANY_OPS:
      return new NumaError(`Cannot plan: the plan would need up to ${c.other} ops, more than the engine holds; raise chunkBytes or interleaveBlock, or split the batch`,
        { code: "ENOMEM", errno: ERRNO.ENOMEM, syscall: "validate", arg: c.opts.chunk > 0n ? "chunkBytes" : "requests" });
    case abi.E_MEMORY:
      return new NumaError(`Cannot plan ${c.requests} requests at once: the engine's scratch for them does not fit in its 4 GiB memory; split the batch`,
        { code: "ENOMEM", errno: ERRNO.ENOMEM, syscall: "validate", arg: "requests" });
    case abi.E_PAGE_SIZE:
      return invalid("pageSize", `Cannot plan: pageSize must be a power of two of at least the kernel's page size (${c.kernelPage}), current value is ${page}`);
    case abi.E_OPTIONS:
      return invalid(OPTION_AT[Number(c.other)] ?? "options", `Cannot plan: option ${OPTION_AT[Number(c.other)] ?? "value"} is out of range`);
    default:
      return invalid("requests", `Cannot plan: the engine refused the batch with code ${code}`);
  }
}
