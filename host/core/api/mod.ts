// The public API, one group per concern, each wired onto a Context.
export * from "./binding.ts";
export * from "./inspect.ts";
export * from "./memory.ts";
export * from "./pages.ts";
export * from "./placement.ts";
export * from "./thread.ts";
