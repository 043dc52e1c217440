import { existsSync } from "node:fs";
import { join } from "node:path";

// Tests import host/ from source, but the engine and the shim are build outputs.
export default function setup(): void {
  const root = join(import.meta.dirname, "..", "..");
  if (!existsSync(join(root, "build", "engine.wasm"))) {
    throw new Error("build/engine.wasm is missing: run `npm run build` (npm install runs it)");
  }
}
