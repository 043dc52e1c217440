// Tests import core modules directly, without the package entry that installs Node's system
// port at load; install it here, as the entry does.
import { setSystem } from "../../host/core/mod.ts";
import { nodeSystem } from "../../host/runtime/mod.ts";

setSystem(nodeSystem());
