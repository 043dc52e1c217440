// The default instance on Node.js: the system port and the backend chosen once, at load.
// The package entry (mod.ts) exports its functions; host/workers builds on them.
import { openBackend } from "./backends/mod.ts";
import { createNumabind, setSystem, type Numabind } from "./core/mod.ts";
import { nodeSystem, traceFile } from "./runtime/mod.ts";

setSystem(nodeSystem());

const tracePath = process.env.NUMABIND_TRACE;

/** The default instance, over the backend for this runtime; NUMABIND_TRACE=file traces it. */
export const numabind: Numabind = createNumabind(openBackend(), tracePath ? { trace: traceFile(tracePath) } : {});
