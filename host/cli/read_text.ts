/** Reading a command's input text: a file, or standard input for "-". */
import { readFile } from "node:fs/promises";

/**
 * The text of `file`, or all of standard input when `file` is "-". A file that cannot be read
 * becomes `new Failure(...)`, one line with the reason and `fix`.
 * @param fix what to give instead, said after the reason
 * @param Failure the error to throw: UsageError (exit 2) or CliFailure (exit 1)
 * @example Basic usage
 * ```ts
 * await expect(readText("/no/such/file", "give a JSON file", UsageError)).rejects.toThrow("cannot read /no/such/file: no such file; give a JSON file");
 * ```
 */
export async function readText(file: string, fix: string, Failure: new (message: string) => Error): Promise<string> {
  if (file === "-") {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a directory" : (e as Error).message;
    throw new Failure(`cannot read ${file}: ${why}; ${fix}`);
  }
}
