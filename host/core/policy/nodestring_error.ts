import * as abi from "../../../assembly/abi.ts";
import { NumaError } from "../errors.ts";

/** Which text format was being read. */
export type TextFormat = "nodestring" | "list" | "hex";

/** Facts a parse error message can quote. */
export interface TextErrorContext { configured?: string; allowed?: string; allowedCount?: number }

const GRAMMAR: Record<TextFormat, string> = {
  nodestring: "a nodestring is [!][+]item(,item)* with item = N, A-B or all (decimal)",
  list: "a node list is item(,item)* with item = N or A-B (decimal)",
  hex: "a hex mask is 0x followed by hex digits, or the kernel's cpumap (comma-separated 32-bit chunks of 8 hex digits, most significant first)",
};

/**
 * A nodestring, node list or hex mask that cannot be parsed: a NumaError (EINVAL, syscall
 * "validate") that also says where (`position`, 0-based) and in which text (`input`).
 * @example
 * ```ts
 * try { Nodemask.parse("0-3,,5"); } catch (e) { expect((e as NodestringError).position).toBe(4); }
 * ```
 */
export class NodestringError extends NumaError {
  override name = "NodestringError";
  /** The text that failed to parse. */
  readonly input: string;
  /** 0-based index of the character at fault. */
  readonly position: number;
  /** The T_* code from the engine (abi.ts). */
  readonly reason: number;

  constructor(message: string, arg: string, input: string, position: number, reason: number) {
    super(message, { code: "EINVAL", syscall: "validate", arg });
    this.input = input;
    this.position = position;
    this.reason = reason;
  }
}

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

function why(code: number, input: string, pos: number, value: number, f: TextFormat, ctx: TextErrorContext): string {
  const ch = pos < input.length ? JSON.stringify(input[pos]) : "end of text";
  switch (code) {
    case abi.T_CHAR: return `unexpected ${ch} at position ${pos}; ${GRAMMAR[f]}`;
    case abi.T_EMPTY_ITEM: return pos >= input.length || input[pos] !== ","
      ? `expected a node, range or all at position ${pos}, found ${ch}; ${GRAMMAR[f]}`
      : `empty item at position ${pos}; items are separated by single commas`;
    case abi.T_TRAILING_COMMA: return `trailing comma at position ${pos}; remove it`;
    case abi.T_HEX_PREFIX: return `"0x" at position ${pos}: node numbers are decimal here; for a hex mask use Nodemask.fromHex(${quote(input.slice(pos).split(",")[0]!)})`;
    case abi.T_LEADING_ZERO: return `leading zero at position ${pos}: numbers are decimal, and libnuma would read "0${input.slice(pos + 1).match(/^\d+/)?.[0] ?? ""}" as octal; write it without the leading zero`;
    case abi.T_TOO_BIG: return `node ${value < 0 ? "number" : value} at position ${pos} is above 32767, the largest node a mask holds`;
    case abi.T_REVERSED: return `reversed range at position ${pos}: the range must start with the smaller node (A-B with A <= B)`;
    case abi.T_NOT_CONFIGURED: return `node ${value} at position ${pos} is not configured on this machine (configured nodes: ${ctx.configured || "none"})`;
    case abi.T_NOT_ALLOWED: return `node ${value} at position ${pos} is not allowed for this process (allowed nodes: ${ctx.allowed || "none"}; a cpuset or cgroup restricts the rest)`;
    case abi.T_RELATIVE_RANGE: return `relative node +${value} at position ${pos} needs at least ${value + 1} allowed nodes, and there are ${ctx.allowedCount ?? 0} (allowed: ${ctx.allowed || "none"})`;
    case abi.T_PLUS_ORDER: return `"!" at position ${pos} comes after "+": write "!+..." (invert, then relative)`;
    case abi.T_REPEATED_PREFIX: return `repeated ${ch} at position ${pos}: "!" and "+" may each appear once, at the start`;
    case abi.T_SAME: return `"same" at position ${pos} is a numactl command-line shorthand, not part of a nodestring; name the nodes`;
    case abi.T_AFFINITY: return `device affinity "${input.slice(pos).split(":")[0]}:" at position ${pos} is not supported; name the nodes`;
    case abi.T_RANGE_END: return `range without an end at position ${pos}; write A-B`;
    case abi.T_EMPTY: return `no hex digits${pos > 0 ? ` after "0x"` : ""}; ${GRAMMAR.hex}`;
    case abi.T_CHUNK: return `cpumap chunk at position ${pos} is not 8 hex digits (only the first chunk may be shorter); for one long hex number write 0x first`;
    case abi.T_TOO_LONG: return `the text is longer than ${abi.TEXT_BYTES} characters`;
    default: return `parse code ${code} at position ${pos}`;
  }
}

/**
 * Builds the error for a failed parse from the engine's code and position.
 * @param arg the argument, for the message ("nodes", "requests[2].policy.nodes")
 * @example
 * ```ts
 * const e = textError(abi.T_TRAILING_COMMA, "1,", 1, 0, "nodestring", "nodes");
 * expect(e.message).toBe('Cannot parse nodes "1," as a nodestring: trailing comma at position 1; remove it');
 * ```
 */
export function textError(code: number, input: string, pos: number, value: number, f: TextFormat,
  arg: string, ctx: TextErrorContext = {}): NodestringError {
  const kind = f === "hex" ? "hex mask" : f === "list" ? "node list" : "nodestring";
  return new NodestringError(`Cannot parse ${arg} ${quote(input)} as a ${kind}: ${why(code, input, pos, value, f, ctx)}`,
    arg, input, pos, code);
}
