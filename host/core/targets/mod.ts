// Where a caller's memory is: a buffer, view or raw range turned into an address range, read
// through the intrinsic getters, with buffer base addresses cached and pages rounded to what
// a buffer fully owns.
export * from "./target.ts";
export * from "./extent.ts";
export * from "./buffer_bases.ts";
export * from "./pages.ts";
