// The README is a user's page that starts with the two commands, and every relative link in it
// and in docs/ reaches a file and a heading that exist.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { expect, test } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** GitHub's anchors for a page's headings ("## `bind(target)` and more" -> "bindtarget-and-more"). */
function anchors(page: string): Set<string> {
  const seen = new Map<string, number>(), out = new Set<string>();
  for (const m of readFileSync(join(root, page), "utf8").replace(/```[\s\S]*?```/g, "").matchAll(/^#+\s+(.*)$/gm)) {
    const slug = m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, "").replace(/ /g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

test("README.md starts with the two commands and stays a user's page of at most 250 lines", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  expect(readme.split("\n").slice(0, 6).join("\n")).toBe("# numabind\n\n```sh\nnpm ci && npm start\nnpm test\n```");
  expect(readme.split("\n").length).toBeLessThanOrEqual(251);
  expect(readme).toMatch(/\]\(docs\/README\.md\)/);
  expect(readFileSync(join(root, ".ci", "run"), "utf8")).toMatch(/^npm test$/m);
});

test("every relative link in README.md and docs/ reaches an existing file and heading", () => {
  const broken: string[] = [];
  for (const page of pages) {
    const text = readFileSync(join(root, page), "utf8").replace(/```[\s\S]*?```/g, "");
    for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(link!)) continue;
      const [path, anchor] = link!.split("#");
      const target = path ? normalize(join(dirname(page), path)) : page;
      if (!existsSync(join(root, target))) broken.push(`${page}: ${link} (no such file)`);
      else if (anchor && target.endsWith(".md") && !anchors(target).has(anchor)) broken.push(`${page}: ${link} (no such heading)`);
    }
  }
  expect(pages.length).toBeGreaterThan(5);
  expect(broken).toEqual([]);
});
