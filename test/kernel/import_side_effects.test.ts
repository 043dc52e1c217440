// Importing numabind must not change the process around it: a tool that imports it and then
// reads its piped stdin synchronously (as test/engine/fixtures/mbind_child.mjs does) must get
// the bytes, not EAGAIN from a stdin stream the import made non-blocking.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { distUrl, tempDir } from "../helpers/child.ts";

describe("importing numabind", () => {
  test("leaves a piped stdin blocking: readFileSync(0) after the import reads all of it", () => {
    const file = join(tempDir(), `stdin-${process.pid}.mjs`);
    writeFileSync(file, `await import(${JSON.stringify(distUrl())});
const { readFileSync } = await import("node:fs");
process.stdout.write(String(readFileSync(0, "utf8").length));`);
    // A shell pipeline whose writer is still running when the child reads: a pipe, not a file.
    const r = spawnSync("sh", ["-c", `(printf 'abc'; sleep 0.3; printf 'def') | "${process.execPath}" "${file}"`], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("6");
  });
});
