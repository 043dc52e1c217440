/** A progress bar on standard error, drawn only when it is a terminal (cli-progress). */
import { SingleBar } from "cli-progress";
import type { CliIo } from "./io.ts";

/** What a command advances; every method does nothing when no bar is drawn. */
export interface Progress {
  /** Sets how much is done (clamped to the total). */
  update(done: number): void;
  /** Draws the last state and ends the bar; later calls do nothing. */
  stop(): void;
}

const NO_PROGRESS: Progress = Object.freeze({ update: () => {}, stop: () => {} });

/**
 * Starts a bar of `total` steps labelled `label` on `io.err`, or returns one that does nothing
 * when standard error is not a terminal: a pipe or a log file gets the result, never cursor
 * codes. Updates inside a blocking loop redraw at most 10 times a second (cli-progress's
 * synchronous updates), so a caller may call update() as often as it likes. Call stop() in a
 * finally: the bar's redraw timer keeps the event loop alive until then.
 * @param label what is being counted, before the bar ("migrating pages")
 * @example Basic usage
 * ```ts
 * const io = { out: () => {}, err: () => { throw new Error("drew on a pipe"); }, errIsTTY: false };
 * const bar = progressBar(io, 100, "checking");
 * bar.update(50);
 * bar.stop();
 * expect(bar).toBe(progressBar(io, 1, "other"));
 * ```
 */
export function progressBar(io: CliIo, total: number, label: string): Progress {
  if (!io.errIsTTY) return NO_PROGRESS;
  // cli-progress writes to a stream; this one forwards to io.err, so tests and the pseudo-terminal
  // see exactly what a user would. readline's cursor helpers pass a callback to write.
  const stream = {
    isTTY: true,
    columns: process.stderr.columns || 80,
    write(s: string, cb?: () => void): boolean {
      io.err(String(s));
      cb?.();
      return true;
    },
  };
  const bar = new SingleBar({
    stream: stream as unknown as NodeJS.WritableStream,
    format: `${label} [{bar}] {percentage}% | {value}/{total}`,
    barsize: 30,
    // Leave the terminal's modes alone (no cursor hiding, no line-wrap switch): a ^C mid-bar
    // then leaves nothing to restore. Lines are cut to the terminal's width instead.
    hideCursor: false,
    linewrap: true,
    clearOnComplete: false,
  });
  bar.start(total, 0);
  let stopped = false;
  return {
    update(done) {
      if (!stopped) bar.update(Math.min(Math.max(0, done), total));
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
