// What each runtime supplies at the edge: the system port core reads through, and where the
// package's own files (the engine, the shim, the addon) are.
export * from "./node.ts";
export * from "./package_root.ts";
export * from "./native_files.ts";
export * from "./trace_file.ts";
