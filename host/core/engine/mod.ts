// The Wasm engine as the host drives it: one instance per context (plans live in its memory
// until applied), a shared one for Nodemask's set operations and formats, and the control
// block every plan and validation reads.
export * from "./engine.ts";
export * from "./control.ts";
