import { Command } from "commander";
import { Nodemask, type Numabind, type PlannedOp, type PlanStats } from "../../mod.ts";
import { count, hex, table } from "../format.ts";
import { type CliIo, type CommandFactory, oneLine, printResult, UsageError } from "../io.ts";
import { parsePlanInput, type PlanInput, readPlanSource } from "../plan_input.ts";
import { dryRun, type Refusal } from "../plan_refusals.ts";
import { type Progress, progressBar } from "../progress.ts";

/**
 * Inputs with more requests than this get a progress bar (on a terminal) while being checked:
 * below it, checking takes well under a second (about 6 µs a request planned alone).
 * @example Basic usage
 * ```ts
 * expect(PROGRESS_MIN_REQUESTS).toBe(100_000);
 * ```
 */
export const PROGRESS_MIN_REQUESTS = 100_000;
/**
 * Ops (and refusals) the text lists; --json lists all.
 * @example Basic usage
 * ```ts
 * expect(TABLE_ROWS).toBe(50);
 * ```
 */
export const TABLE_ROWS = 50;

/** One op of the plan, as `numabind plan --json` prints it. */
export interface PlanOpJson {
  /** Start and length in bytes, as hex strings. */
  addr: string;
  length: string;
  mode: string;
  nodes: number[];
  /** The policy's mode flags: "static", "relative", "balancing". */
  modeFlags: string[];
  /** The mbind flags set: { strict?, move?, moveAll? }. */
  flags: Record<string, true>;
  /** Index in the input of the request that decided the op's first page. */
  request: number;
  homeNode?: number;
}

/** What `numabind plan --json` prints (docs/cli.md). */
export interface PlanReport {
  /** The file read, or "-" for standard input. */
  input: string;
  /** Requests in the input, accepted and refused. */
  requests: number;
  accepted: number;
  refused: Refusal[];
  /** Why the accepted requests are refused together (the VMA budget), or null. */
  batchRefused: string | null;
  /** The plan's counts over the accepted requests; null when batchRefused. */
  stats: PlanStats | null;
  ops: PlanOpJson[];
}

const MODE_FLAGS = ["static", "relative", "balancing"] as const;

/** An op in JSON form, its request index mapped back to the input's. */
function opJson(op: PlannedOp, accepted: readonly number[]): PlanOpJson {
  const p = op.policy as { static?: boolean; relative?: boolean; balancing?: boolean };
  const o: PlanOpJson = {
    addr: hex(op.addr), length: hex(op.length), mode: op.policy.mode, nodes: op.policy.nodes.toArray(),
    modeFlags: MODE_FLAGS.filter((f) => p[f] === true),
    flags: Object.fromEntries(Object.entries(op.flags).filter(([, v]) => v === true).map(([k]) => [k, true as const])),
    request: accepted[op.request] ?? op.request,
  };
  if (op.homeNode !== undefined) o.homeNode = op.homeNode;
  return o;
}

/**
 * Dry-runs a batch: every refused request with its reason, and the plan of the rest.
 * @param io where a progress bar goes, for inputs over PROGRESS_MIN_REQUESTS requests
 * @example Basic usage
 * ```ts
 * const input = parsePlanInput('[{ "addr": "0x1000", "length": 8192, "policy": { "mode": "bind", "nodes": "0" } }]');
 * const r = planReport(numabind, input, "batch.json", { out: () => {}, err: () => {}, errIsTTY: false });
 * expect(r.ops).toEqual([{ addr: "0x1000", length: "0x2000", mode: "bind", nodes: [0], modeFlags: [], flags: {}, request: 0 }]);
 * ```
 */
export function planReport(nb: Numabind, input: PlanInput, name: string, io: CliIo): PlanReport {
  try {
    nb.plan([], input.options);
  } catch (e) {
    throw new UsageError(`options: ${oneLine(e)}`);
  }
  const n = input.requests.length;
  const bar = n > PROGRESS_MIN_REQUESTS ? progressBar(io, n, "checking requests") : undefined;
  let r;
  try {
    r = dryRun(nb, input.requests, input.options, bar && ((done) => { if (done % 1024 === 0) bar.update(done); }));
    bar?.update(n);
  } finally {
    bar?.stop();
  }
  return {
    input: name, requests: n, accepted: r.accepted.length, refused: r.refused, batchRefused: r.batchRefused,
    stats: r.plan ? r.plan.stats : null,
    ops: r.plan ? r.plan.ops.map((op) => opJson(op, r.accepted)) : [],
  };
}

/** An op's policy in numa_maps's words: "bind:0-1", "interleave=static:0", "local". */
function policyText(op: PlanOpJson): string {
  const nodes = op.nodes.length ? `:${Nodemask.of(...op.nodes).toList()}` : "";
  return `${op.mode}${op.modeFlags.length ? `=${op.modeFlags.join("|")}` : ""}${nodes}`;
}

/**
 * The report as a summary and a table of at most `rows` ops.
 * @example Basic usage
 * ```ts
 * const r = { input: "-", requests: 1, accepted: 1, refused: [], batchRefused: null,
 *   stats: { requests: 1, ops: 1, coalesced: 0, splits: 0, estimatedVmas: 2, overridden: 0 },
 *   ops: [{ addr: "0x1000", length: "0x1000", mode: "bind", nodes: [0], modeFlags: [], flags: {}, request: 0 }] };
 * expect(planText(r)).toMatch(/^  0x1000 +0x1000 +bind:0 +- +0$/m);
 * ```
 */
export function planText(r: PlanReport, rows = TABLE_ROWS): string {
  const from = r.input === "-" ? "standard input" : r.input;
  const lines = [`dry run of ${count(r.requests)} requests from ${from}: nothing reaches the kernel`];
  const s = r.stats;
  if (s) {
    lines.push(`  plan         ${count(r.accepted)} requests -> ${count(s.ops)} ops: ${count(s.coalesced)} request pieces merged, ${count(s.splits)} splits, ${count(s.overridden)} overridden, at most ${count(s.estimatedVmas)} new mappings`);
  }
  if (r.batchRefused) lines.push(`  refused      the ${count(r.accepted)} accepted requests together: ${r.batchRefused}`);
  if (r.refused.length) {
    lines.push(`  refused      ${count(r.refused.length)} requests:`);
    for (const f of r.refused.slice(0, rows)) lines.push(`    requests[${f.index}]: ${f.reason}`);
    if (r.refused.length > rows) lines.push(`    ... ${count(r.refused.length - rows)} more; --json lists all`);
  }
  if (r.ops.length) {
    lines.push("", "Ops");
    const cells = r.ops.slice(0, rows).map((op) => [op.addr, op.length, policyText(op), Object.keys(op.flags).join(",") || "-", String(op.request)]);
    lines.push(table(["addr", "length", "policy", "flags", "request"], cells));
    if (r.ops.length > rows) lines.push(`  ... ${count(r.ops.length - rows)} more ops; --json lists all`);
  }
  return lines.join("\n");
}

/** `numabind plan`: a dry run of a batch. */
export const planCommand: CommandFactory = (ctx, nb) =>
  new Command("plan")
    .description("dry-run a batch of requests read as JSON: the ops plan() makes, and every request it would refuse, with why")
    .argument("<file>", "a JSON file, or - for standard input")
    .option("--json", "print JSON (schema: docs/cli.md)")
    .addHelpText("after", [
      "", "Input: { \"requests\": [ { \"addr\": \"0x7f0000000000\", \"length\": 4096, \"policy\": { \"mode\": \"bind\", \"nodes\": \"0\" },",
      "  \"flags\"?: { \"move\": true } } ], \"options\"?: { plan options } }, or a bare array of requests.",
      "addr and length are integers or \"0x\" hex strings. No syscall is made.",
      "Exit 0 when every request would be accepted, 1 when some would be refused, 2 for unreadable or malformed input.",
      "", "Examples:",
      "  numabind plan batch.json",
      "  numabind plan batch.json --json | jq '.refused[]'",
      "  echo '[{\"addr\":\"0x7f0000000000\",\"length\":8192,\"policy\":{\"mode\":\"interleave\",\"nodes\":\"all\"}}]' | numabind plan -",
    ].join("\n"))
    .action(async (file: string, o: { json?: boolean }) => {
      const text = await readPlanSource(file);
      // The count is known only once the JSON is parsed: the bar starts at the first request.
      let bar: Progress | undefined;
      let input: PlanInput;
      try {
        input = parsePlanInput(text, (done, total) => {
          if (total <= PROGRESS_MIN_REQUESTS) return;
          bar ??= progressBar(ctx.io, total, "validating");
          if (done % 1024 === 0 || done === total) bar.update(done);
        });
      } finally {
        (bar as Progress | undefined)?.stop();
      }
      const r = planReport(nb, input, file, ctx.io);
      printResult(ctx.io, o.json === true, r, () => planText(r));
      const refused = r.refused.length + (r.batchRefused ? r.accepted : 0);
      if (refused > 0) {
        ctx.io.err(`numabind plan: ${count(refused)} of ${count(r.requests)} requests would be refused${r.batchRefused ? " (the accepted ones together, by the plan as a whole)" : ""}; see "refused"${o.json ? "" : " above"}\n`);
        ctx.finish(1);
      }
    });
