/** Reading the batch `numabind plan` dry-runs: JSON from a file or stdin, checked for shape. */
import type { BindRequest, PlanOptions } from "../mod.ts";
import { UsageError } from "./io.ts";
import { readText } from "./read_text.ts";

/** A batch as plan() takes it: raw ranges, and the options with unsafeRawAddress set. */
export interface PlanInput {
  requests: BindRequest[];
  options: PlanOptions;
}

const REQUEST_KEYS = ["addr", "length", "policy", "flags", "homeNode"];
const TOP_KEYS = ["requests", "options"];
const U64_MAX = (1n << 64n) - 1n;
/** Options in bytes, which take a hex string as lengths do. */
const BYTE_OPTIONS = ["chunkBytes", "interleaveBlock"] as const;

/**
 * The input's text: the file, or standard input for "-".
 * @throws UsageError when the file cannot be read
 * @example Basic usage
 * ```ts
 * await expect(readPlanSource("/no/such/file.json")).rejects.toThrow(/cannot read/);
 * ```
 */
export async function readPlanSource(file: string): Promise<string> {
  return readText(file, "give a JSON file, or - to read standard input", UsageError);
}

/** A value as error messages quote it, cut short: a request can hold a large object. */
function describe(v: unknown): string {
  if (v === undefined) return "missing";
  const s = JSON.stringify(v);
  return `current value is ${s.length > 60 ? `${s.slice(0, 57)}...` : s}`;
}
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A byte count or address: a JSON integer (exact only up to 2^53) or a "0x" hex string.
 * @param min 0 for an address, 1 for a length
 */
function bytes(v: unknown, path: string, min: 0n | 1n): bigint {
  const what = min === 0n ? "a non-negative integer or hex string" : "a positive integer or hex string";
  let n: bigint | undefined;
  if (typeof v === "number" && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === "string" && /^0x[0-9a-f]{1,16}$/i.test(v)) n = BigInt(v);
  else if (typeof v === "number" && Number.isInteger(v)) {
    throw new UsageError(`${path}: ${v} is past 2^53, where JSON numbers lose digits; write it as a hex string ("0x${BigInt(v).toString(16)}")`);
  }
  if (n === undefined || n < min || n > U64_MAX) throw new UsageError(`${path}: must be ${what} ("0x1000"), ${describe(v)}`);
  return n;
}

/** One request's shape; what plan() checks (modes, nodes, flag names) is left to it. */
function request(v: unknown, i: number): BindRequest {
  const path = `requests[${i}]`;
  if (!isObject(v)) throw new UsageError(`${path}: must be an object { addr, length, policy, flags? }, ${describe(v)}`);
  const extra = Object.keys(v).find((k) => !REQUEST_KEYS.includes(k));
  if (extra !== undefined) throw new UsageError(`${path}: has no key ${JSON.stringify(extra)}; a request has ${REQUEST_KEYS.join(", ")}`);
  const target = { addr: bytes(v.addr, `${path}.addr`, 0n), length: bytes(v.length, `${path}.length`, 1n) };
  if (!isObject(v.policy)) throw new UsageError(`${path}.policy: must be an object such as { "mode": "bind", "nodes": "0" }, ${describe(v.policy)}`);
  const r: BindRequest = { target, policy: v.policy as unknown as BindRequest["policy"] };
  if (v.flags !== undefined) {
    if (!isObject(v.flags)) throw new UsageError(`${path}.flags: must be an object such as { "move": true }, ${describe(v.flags)}`);
    r.flags = v.flags;
  }
  if (v.homeNode !== undefined) {
    if (typeof v.homeNode !== "number" || !Number.isInteger(v.homeNode) || v.homeNode < 0) throw new UsageError(`${path}.homeNode: must be a node id, ${describe(v.homeNode)}`);
    r.homeNode = v.homeNode;
  }
  return r;
}

/** The options' shape, and byte options given as hex strings made bigints. */
function options(v: unknown): PlanOptions {
  if (v === undefined) return { unsafeRawAddress: true };
  if (!isObject(v)) throw new UsageError(`options: must be an object of plan options such as { "interleaveBlock": 2097152 }, ${describe(v)}`);
  const o: Record<string, unknown> = { ...v };
  for (const k of BYTE_OPTIONS) if (typeof o[k] === "string") o[k] = bytes(o[k], `options.${k}`, 1n);
  // Every target is a raw range, and a dry run issues no syscall, so nothing is at risk.
  o.unsafeRawAddress = true;
  return o as PlanOptions;
}

/**
 * Parses and checks the input: `{ "requests": [...], "options"?: {...} }` or a bare array of
 * requests, each `{ addr, length, policy, flags?, homeNode? }`.
 * @param onRequest told after each request is checked (for a progress bar)
 * @throws UsageError naming the place and the rule: "requests[3].length: must be a positive integer or hex string"
 * @example Basic usage
 * ```ts
 * const input = parsePlanInput('[{ "addr": "0x7f0000000000", "length": 4096, "policy": { "mode": "bind", "nodes": "0" } }]');
 * expect(input.requests[0]!.target).toEqual({ addr: 0x7f0000000000n, length: 4096n });
 * expect(() => parsePlanInput('[{ "addr": 0, "length": -1, "policy": {} }]')).toThrow(/requests\[0\]\.length: must be a positive integer or hex string/);
 * ```
 */
export function parsePlanInput(text: string, onRequest?: (done: number, total: number) => void): PlanInput {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`input: not valid JSON (${(e as Error).message}); give { "requests": [...] } or an array of requests`);
  }
  if (isObject(doc)) {
    const extra = Object.keys(doc).find((k) => !TOP_KEYS.includes(k));
    if (extra !== undefined) throw new UsageError(`input: has no key ${JSON.stringify(extra)}; the input is { "requests": [...], "options"?: {...} }`);
    if (!Array.isArray(doc.requests)) throw new UsageError(`requests: must be an array of requests, ${describe(doc.requests)}`);
  } else if (!Array.isArray(doc)) {
    throw new UsageError(`input: must be { "requests": [...], "options"?: {...} } or an array of requests, current value is ${doc === null ? "null" : typeof doc}`);
  }
  const list = (Array.isArray(doc) ? doc : doc.requests) as unknown[];
  const requests = list.map((v, i) => {
    const r = request(v, i);
    onRequest?.(i + 1, list.length);
    return r;
  });
  return { requests, options: options(Array.isArray(doc) ? undefined : doc.options) };
}
