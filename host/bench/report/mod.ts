// The report side of `numabind bench`: validate a report, render it as HTML, compare two.
// The report's types are the shared contract's, in ../report_schema.ts.
export { parseReport, ReportShapeError } from "./parse_report.ts";
export { renderReport, reportCharts } from "./render_report.ts";
export { compareReports, type FigureRatio, type ReportComparison } from "./compare_reports.ts";
export { renderComparison, comparisonCharts } from "./render_comparison.ts";
export { comparisonText, COMPARISON_TEXT_ROWS } from "./comparison_text.ts";
export { failedChecks, type FailedCheck } from "./failed_checks.ts";
export type { Chart } from "./_vega.ts";
