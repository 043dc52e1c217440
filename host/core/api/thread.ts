import type { Context } from "../context.ts";
import { unsupported } from "../errors.ts";
import { getMempolicy, kernelError, MPOL_F_NODE, type PolicyInfo } from "../kernel/mod.ts";
import { checkPolicy } from "../plan/mod.ts";
import { fromKernelPolicy, type Policy } from "../policy/mod.ts";

/**
 * The calling thread's policy (set_mempolicy / get_mempolicy without an address). Linux keeps
 * this policy per thread: it governs pages first touched by the thread that set it, in
 * mappings that have no policy of their own (mbind). See README "Thread policy".
 */
/**
 * A thread's policy as the kernel reports it. `nextNode` is there for the interleaving modes:
 * the node the thread's next interleaved page goes to (get_mempolicy with MPOL_F_NODE), what
 * `numactl --show` prints as "preferred node: N (interleave next)".
 */
export type ThreadPolicyInfo = PolicyInfo & { nextNode?: number };

export interface ThreadApi {
  /** This OS thread's policy: the JS main thread's, or the calling worker's. */
  getThreadPolicy(): ThreadPolicyInfo;
  /**
   * Sets this OS thread's policy (the main thread, or the calling worker's own thread). V8
   * and libuv threads that already exist keep theirs; threads and child processes started
   * afterwards by this thread inherit it (across fork and exec).
   */
  setThreadPolicy(policy: Policy): void;
}

/**
 * Builds the thread-policy group over a context (createNumabind merges it into the API).
 * @example
 * ```ts
 * const { getThreadPolicy } = threadApi(createContext(openBackend()));
 * expect(getThreadPolicy().mode).toBe("default");
 * ```
 */
export function threadApi(ctx: Context): ThreadApi {
  return {
    getThreadPolicy() {
      const { mode, mask } = getMempolicy(ctx.backend, 0n, 0, ctx.maskWords());
      const info: ThreadPolicyInfo = fromKernelPolicy(mode, mask);
      if (info.mode === "interleave" || info.mode === "weighted-interleave") {
        info.nextNode = getMempolicy(ctx.backend, 0n, MPOL_F_NODE, ctx.maskWords()).mode;
      }
      return info;
    },
    setThreadPolicy(policy) {
      ctx.engine.refuseWhileApplying("set the thread policy");
      const k = checkPolicy(ctx, policy, "policy");
      const b = ctx.backend;
      if (!b.setMempolicy) throw unsupported("set the thread policy", b.name, "set_mempolicy");
      const r = b.setMempolicy(k.mode, k.mask, k.words);
      if (r < 0) {
        throw kernelError({ syscall: "set_mempolicy", errno: -r, action: "set the thread policy", arg: "policy", mode: k.mode, mask: k.nodes, topology: ctx.topology() });
      }
    },
  };
}
