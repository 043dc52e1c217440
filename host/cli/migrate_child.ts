// The child process `numabind migrate` runs migrate_pages in when it draws progress: the
// syscall blocks the thread that makes it until every page has moved, so the CLI's own thread
// stays free to poll /proc/PID/numa_maps. A process rather than a worker thread: on Node 20 a
// short-lived worker can hang its process at exit (nodejs/node#54918, docs/workers.md).
// argv: pid, FROM and TO as kernel node lists ("0-1"). Prints one JSON line:
// { "notMoved": n, "ms": t } or { "error": message, "code": "EPERM" }.
import { migratePages, Nodemask } from "../mod.ts";

const [pid, from, to] = process.argv.slice(2);
try {
  const t0 = performance.now();
  const notMoved = migratePages(Number(pid), Nodemask.fromList(from ?? ""), Nodemask.fromList(to ?? ""));
  process.stdout.write(`${JSON.stringify({ notMoved, ms: performance.now() - t0 })}\n`);
} catch (e) {
  const err = e as { message?: unknown; code?: unknown };
  process.stdout.write(`${JSON.stringify({ error: String(err.message ?? e), code: typeof err.code === "string" ? err.code : undefined })}\n`);
  process.exitCode = 1;
}
