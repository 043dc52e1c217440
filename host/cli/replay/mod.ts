// `numabind replay`: Tracee and strace logs of memory-policy syscalls replayed into a policy
// map per process, through numabind's own planner (policy_map.ts).
export { replayLog, detectFormat, type ReplayOptions } from "./replay_log.ts";
export { replayText, policyText, MAP_ROWS, LIST_ROWS } from "./report_text.ts";
export { replayEvents } from "./apply.ts";
export type {
  CallEntry, MapEntry, MigratePagesEntry, MovePagesEntry, NoChangeEntry, ProcessReport, ReplayReport, SplitEntry, ThreadEntry,
} from "./apply.ts";
export { parseTraceeLegacy, parseTraceeV1 } from "./parse_tracee.ts";
export { StraceReader, looksLikeStrace } from "./parse_strace.ts";
export { PolicyMap, ReplayEngine, DEFAULT_POLICY, type Segment, type ApplyOutcome } from "./policy_map.ts";
export { TraceFormatError, REPLAYED_CALLS } from "./events.ts";
export type { ReplayEvent, ReplayWarning, TraceFormat, MaskArg } from "./events.ts";
export { nodeList, parseNodeList, reportPolicy, type ReportPolicy } from "./policy_words.ts";
