// One file per command of the `numabind` CLI.
export * from "./demo.ts";
export * from "./hardware.ts";
