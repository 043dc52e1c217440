// One file per command of the `numabind` CLI; COMMANDS in the order `--help` lists them.
import { benchCommand } from "./bench.ts";
import { demoCommand } from "./demo.ts";
import { hardwareCommand } from "./hardware.ts";
import { inspectCommand } from "./inspect.ts";
import { migrateCommand } from "./migrate.ts";
import { planCommand } from "./plan.ts";
import { replayCommand } from "./replay.ts";
import { runCommand } from "./run.ts";
import { showCommand } from "./show.ts";
import { statCommand } from "./stat.ts";
import type { CommandFactory } from "../io.ts";

export { DEMO_DEFAULTS, runDemo } from "./demo.ts";
export { hardwareJson, hardwareText } from "./hardware.ts";

export const COMMANDS: readonly CommandFactory[] = [demoCommand, runCommand, showCommand, hardwareCommand, statCommand, inspectCommand, migrateCommand, planCommand, replayCommand, benchCommand];
