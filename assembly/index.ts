// The engine's exports. Pure: no imports, no I/O; the host passes every fact in.
export { plan_control, plan_control_size } from "./control";
export * from "./nodemask";
export { parse_nodestring } from "./nodestring";
export {
  plan_budget, plan_coalesced, plan_digest, plan_digest_gaps, plan_err_index, plan_err_other, plan_err_rule, plan_errnos,
  plan_estimated_vmas, plan_input, plan_mask_count, plan_mask_table, plan_masks,
  plan_op_count, plan_ops, plan_overridden, plan_run, plan_splits, plan_tables,
  plan_weight_table,
} from "./planner";
export {
  fmt_cpumap, fmt_hex, fmt_list, parse_hex, parse_list, text_buffer, text_err_pos,
  text_err_value, text_out_words,
} from "./text";
export { validate_mbind } from "./validate";
