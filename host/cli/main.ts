#!/usr/bin/env node
import { Command } from "commander";
import { numabind } from "../mod.ts";
import { DEMO_DEFAULTS, hardwareText, runDemo } from "./commands/mod.ts";

const program = new Command()
  .name("numabind")
  .description("NUMA memory policy for Node.js: plan, bind and inspect where memory lives");

program.command("demo")
  .description("bind a batch of 1,000+ mixed-policy requests on this host and verify it in /proc/self/numa_maps")
  .option("--runs <n>", "runs of equal policy", String(DEMO_DEFAULTS.runs))
  .option("--pages-per-run <n>", "single-page requests per run", String(DEMO_DEFAULTS.pagesPerRun))
  .action((o: { runs: string; pagesPerRun: string }) => {
    process.exitCode = runDemo(numabind, (s) => console.log(s), {
      ...DEMO_DEFAULTS, runs: Number(o.runs), pagesPerRun: Number(o.pagesPerRun),
    });
  });

program.command("hardware")
  .description("show nodes, CPUs, memory and distances (numactl --hardware layout)")
  .action(() => console.log(hardwareText(numabind.topology())));

program.parse();
