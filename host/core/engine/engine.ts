import { CTL_SIZE, TEXT_BYTES } from "../../../assembly/abi.ts";
import { ERRNO, NumaError } from "../errors.ts";
import { system } from "../system/mod.ts";

/** The engine's exports (assembly/index.ts), as the host calls them. u64 values are bigints. */
export interface EngineExports {
  memory: WebAssembly.Memory;
  mask_slot(k: number): number;
  mask_popcount(words: number): number;
  mask_is_empty(words: number): number;
  mask_equals(words: number): number;
  mask_union(words: number): void;
  mask_intersect(words: number): void;
  mask_difference(words: number): void;
  text_buffer(): number;
  text_err_pos(): number;
  text_err_value(): number;
  text_out_words(): number;
  parse_nodestring(len: number): number;
  parse_list(len: number): number;
  parse_hex(len: number): number;
  fmt_list(words: number): number;
  fmt_hex(words: number): number;
  fmt_cpumap(bits: number): number;
  validate_mbind(addr: bigint, len: bigint, mode: number, mask: number, words: number, flags: number): number;
  plan_control(): number;
  plan_control_size(): number;
  plan_input(nRequests: number, nMasks: number, words: number, nWeights: number): number;
  plan_tables(nMasks: number, words: number, nWeights: number): number;
  plan_mask_table(): number;
  plan_weight_table(): number;
  plan_run(): number;
  plan_budget(mapCount: number, maxMapCount: number): number;
  plan_ops(): number;
  plan_op_count(): number;
  plan_masks(): number;
  plan_mask_count(): number;
  plan_errnos(): number;
  plan_digest(): number;
  plan_digest_gaps(): number;
  plan_err_index(): number;
  plan_err_other(): bigint;
  plan_err_rule(): number;
  plan_coalesced(): number;
  plan_splits(): number;
  plan_estimated_vmas(): number;
  plan_overridden(): number;
}

let compiled: WebAssembly.Module | undefined;

/**
 * The compiled engine module, from the system port's engine bytes once per process. Throws
 * when the port has none (the package was not built).
 * @example Basic usage
 * ```ts
 * const e = new Engine(engineModule());
 * expect(WebAssembly.Module.imports(engineModule())).toEqual([]);
 * ```
 */
export function engineModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(system().engineBytes() as Uint8Array<ArrayBuffer>));
}

const decoder = new TextDecoder("latin1");

/**
 * One engine instance: its exports plus views of its linear memory, re-taken whenever the
 * memory has grown (growth detaches the old ArrayBuffer).
 * @example Count nodes in a mask
 * ```ts
 * const e = new Engine();
 * e.u8().set(new Uint8Array([0b101]), e.x.mask_slot(0));
 * expect(e.x.mask_popcount(1)).toBe(2);
 * ```
 */
export class Engine {
  readonly x: EngineExports;
  /**
   * Set while a batch applies in slices from this engine's memory (between its onProgress
   * callbacks): planning again would overwrite the ops still to be issued, so it is refused.
   */
  busy = false;
  #buffer: ArrayBuffer | undefined;
  #u8 = new Uint8Array(0);
  #u32 = new Uint32Array(0);
  #dv = new DataView(new ArrayBuffer(0));
  /** Per mask slot, the immutable mask putMaskOnce last wrote there (cleared by putMask). */
  #held: (object | undefined)[] = [];

  constructor(module: WebAssembly.Module = engineModule()) {
    this.x = new WebAssembly.Instance(module, {}).exports as unknown as EngineExports;
    if (this.x.plan_control_size() !== CTL_SIZE) {
      throw new Error(`Cannot use the numabind engine: its control block is ${this.x.plan_control_size()} bytes, the host expects ${CTL_SIZE}; rebuild with "npm run build"`);
    }
  }

  /**
   * Refuses `action` while a batch applies from this engine's memory (busy): a plan would
   * overwrite the ops still to be issued, and a bind, free or thread policy change would race
   * the batch (and an atomic batch's rollback). Every public call that plans, binds or changes
   * mappings of this instance comes through here.
   * @param action what the caller asked for, as "Cannot <action>": "bind", "free a buffer"
   */
  refuseWhileApplying(action: string): void {
    if (!this.busy) return;
    throw new NumaError(`Cannot ${action} while a batch is being applied: onProgress may not call plan(), bind(), bindBatch(), alloc(), free(), setThreadPolicy(), movePages() or migratePages() of the same instance; do that after bindBatch() returns`,
      { code: "EBUSY", errno: ERRNO.EBUSY, syscall: "validate", arg: "onProgress" });
  }

  #refresh(): void {
    // The engine's memory is not shared, so its buffer is an ArrayBuffer (lib.dom's newer
    // typings say ArrayBuffer | SharedArrayBuffer for any WebAssembly.Memory).
    const buf = this.x.memory.buffer as ArrayBuffer;
    if (buf !== this.#buffer) {
      this.#buffer = buf;
      this.#u8 = new Uint8Array(buf);
      this.#u32 = new Uint32Array(buf);
      this.#dv = new DataView(buf);
    }
  }

  /** A byte view of all of linear memory (valid until the next engine call that grows it). */
  u8(): Uint8Array { this.#refresh(); return this.#u8; }

  /** A u32 view of all of linear memory (same validity as u8()). */
  u32(): Uint32Array { this.#refresh(); return this.#u32; }

  /** A DataView of all of linear memory (same validity as u8()). */
  view(): DataView { this.#refresh(); return this.#dv; }

  /** Copies `words32` (u32 halves of u64 mask words) into mask slot `k`, zeroing the rest. */
  putMask(k: number, words32: Uint32Array, words64: number): void {
    const at = this.x.mask_slot(k) >>> 2;
    const u32 = this.u32();
    u32.fill(0, at, at + words64 * 2);
    u32.set(words32.subarray(0, Math.min(words32.length, words64 * 2)), at);
    this.#held[k] = undefined;
  }

  /**
   * putMask for an immutable mask (a Nodemask), skipped when slot `k` already holds that very
   * object: the planner's usable-nodes slot spans every node id (4 KiB), and rewriting it on
   * every plan cost a copy of 512 words for facts that change only on refreshTopology().
   */
  putMaskOnce(k: number, mask: { toWords(): Uint32Array }, words64: number): void {
    if (this.#held[k] === mask) return;
    this.putMask(k, mask.toWords(), words64);
    this.#held[k] = mask;
  }

  /** Copies `words64` u64 words out of mask slot `k`. */
  getMask(k: number, words64: number): Uint32Array {
    const at = this.x.mask_slot(k) >>> 2;
    return this.u32().slice(at, at + words64 * 2);
  }

  /**
   * Writes ASCII text into the text buffer. Returns its length, or the index of the first
   * character that is not ASCII as -(index + 1), or -Infinity when it is too long.
   */
  putText(s: string): number {
    if (s.length > TEXT_BYTES) return -Infinity;
    const u8 = this.u8(), at = this.x.text_buffer();
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) return -(i + 1);
      u8[at + i] = c;
    }
    return s.length;
  }

  /** Reads `len` bytes of the text buffer as a string. */
  getText(len: number): string {
    const at = this.x.text_buffer();
    return decoder.decode(this.u8().subarray(at, at + len));
  }
}

let shared: Engine | undefined;

/**
 * A process-wide engine for stateless helpers (Nodemask set operations and formats), made on
 * first use. Planning uses each context's own engine instead: a plan lives in engine memory
 * until it is applied.
 * @example Basic usage
 * ```ts
 * expect(sharedEngine()).toBe(sharedEngine());
 * ```
 */
export function sharedEngine(): Engine {
  return (shared ??= new Engine());
}
