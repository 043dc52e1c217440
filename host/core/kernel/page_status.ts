import { errnoName } from "../errors.ts";

/** Per-page statuses move_pages reports besides a node id (negative errnos). */
const WORDS: Readonly<Record<string, string>> = Object.freeze({
  ENOENT: "not faulted in: never touched, so no page exists yet (reading untouched anonymous memory maps the shared zero page, which says EFAULT instead)",
  EFAULT: "no page: the address is not mapped, or it maps the shared zero page (Linux 4.3 to 6.11 also say this for a page never touched)",
  EACCES: "shared with another process: moving it needs moveAll (and CAP_SYS_NICE)",
  EBUSY: "busy: locked, under I/O or pinned; try again",
  ENOMEM: "the target node has no free memory",
  EIO: "the page cannot be migrated (writeback failed or the mapping refuses migration)",
  EINVAL: "the page cannot be migrated (a special mapping)",
  E2BIG: "the page is too large to move here",
  EFBIG: "the page is too large to move here",
  ENODEV: "the target node is not online",
  EPERM: "not permitted",
});

/**
 * A page status from locate() or movePages() in words: a node id ≥ 0 is where the page is;
 * a negative value is -errno (-ENOENT: not faulted in; -EFAULT: no page).
 * @param status one entry of the Int32Array locate() or movePages() returns
 * @returns e.g. "node 0", or "ENOENT: not faulted in: never touched, ..."
 * @example Basic usage
 * ```ts
 * expect(describePageStatus(0)).toBe("node 0");
 * expect(describePageStatus(-2)).toMatch(/^ENOENT: not faulted in/);
 * ```
 */
export function describePageStatus(status: number): string {
  if (!Number.isInteger(status)) return `not a page status: ${String(status)}`;
  if (status >= 0) return `node ${status}`;
  const name = errnoName(-status);
  return `${name}: ${WORDS[name] ?? "the kernel reported this error for the page"}`;
}

/**
 * Counts pages per status: node ids and negative errnos as keys, in ascending order.
 * @example
 * ```ts
 * expect([...countPageStatuses(Int32Array.of(0, 0, -2))]).toEqual([[-2, 1], [0, 2]]);
 * ```
 */
export function countPageStatuses(statuses: Int32Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const s of statuses) m.set(s, (m.get(s) ?? 0) + 1);
  return new Map([...m].sort((a, b) => a[0] - b[0]));
}
