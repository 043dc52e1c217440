// The HTML shell both pages share: one self-contained file, inline CSS, no script, and a
// Content-Security-Policy that forbids any fetch, so viewing it never touches the network.
import { escapeHtml } from "./_format.ts";

/**
 * A table cell: text (escaped when written) with an optional class, e.g. "failed".
 * @example Basic usage
 * ```ts
 * const c: Cell = { text: "failed", cls: "failed" };
 * expect(htmlTable(["check"], [[c]])).toContain('class="failed"');
 * ```
 */
export type Cell = string | { text: string; cls?: string };

/**
 * A plain HTML table; every header and cell is escaped.
 * @example Basic usage
 * ```ts
 * expect(htmlTable(["a"], [["<1>"]])).toContain("<td>&lt;1&gt;</td>");
 * ```
 */
export function htmlTable(headers: readonly string[], rows: readonly (readonly Cell[])[], caption?: string): string {
  const td = (c: Cell) => (typeof c === "string" ? `<td>${escapeHtml(c)}</td>` : `<td${c.cls ? ` class="${escapeHtml(c.cls)}"` : ""}>${escapeHtml(c.text)}</td>`);
  const cap = caption ? `<caption>${escapeHtml(caption)}</caption>` : "";
  const head = `<thead><tr>${headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead>`;
  return `<table>${cap}${head}<tbody>${rows.map((r) => `<tr>${r.map(td).join("")}</tr>`).join("\n")}</tbody></table>`;
}

/**
 * A chart's figure: vega's SVG as rendered, captioned by the chart's title, which also names
 * the figure for assistive technology (the SVG inside keeps vega's own aria labels).
 * @example Basic usage
 * ```ts
 * expect(htmlFigure("m", "Matrix", "<svg></svg>")).toContain('aria-labelledby="caption-m"');
 * ```
 */
export function htmlFigure(id: string, title: string, svg: string, note?: string): string {
  const n = note ? `<p class="note">${escapeHtml(note)}</p>` : "";
  return `<figure class="chart" id="chart-${escapeHtml(id)}" data-chart="${escapeHtml(id)}" aria-labelledby="caption-${escapeHtml(id)}">` +
    `<figcaption id="caption-${escapeHtml(id)}">${escapeHtml(title)}</figcaption>${svg}${n}</figure>`;
}

/**
 * A section: a heading and the HTML under it (already built from escaped parts).
 * @example Basic usage
 * ```ts
 * expect(htmlSection("env", "Environment", "<p>x</p>")).toContain('<h2 id="env">Environment</h2>');
 * ```
 */
export function htmlSection(id: string, title: string, body: string): string {
  return `<section aria-labelledby="${escapeHtml(id)}"><h2 id="${escapeHtml(id)}">${escapeHtml(title)}</h2>\n${body}\n</section>`;
}

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; }
body { margin: 0; background: #fafafa; }
main { max-width: 1200px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #ddd; padding-bottom: .25rem; }
p.lead { color: #555; margin: 0 0 1rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
figure.chart { margin: 0; background: white; border: 1px solid #e3e3e3; border-radius: 4px; padding: .5rem; }
figcaption { font-size: .8rem; color: #555; margin-bottom: .25rem; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
p.note { font-size: .8rem; color: #555; margin: .25rem 0 0; max-width: 36rem; }
table { border-collapse: collapse; font-size: .8rem; background: white; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid #ddd; padding: .2rem .5rem; text-align: left; vertical-align: top; font-variant-numeric: tabular-nums; }
th { background: #f0f0f0; }
td.failed, li.failed { color: #b42318; font-weight: 600; }
td.failed::before, li.failed::before { content: "✗ "; }
td.ok { color: #2e7d32; }
td.better { color: #2e7d32; } td.worse { color: #b42318; }
ul.checks { padding-left: 1.25rem; }
`;

/**
 * A whole page: doctype, title, inline style, a CSP that allows no script and no fetch, the
 * heading and the sections.
 * @example Basic usage
 * ```ts
 * const html = htmlPage("Bench", "lead", ["<section></section>"]);
 * expect(html.startsWith("<!doctype html>")).toBe(true);
 * expect(html).not.toContain("<script");
 * ```
 */
export function htmlPage(title: string, lead: string, sections: readonly string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="lead">${escapeHtml(lead)}</p>
${sections.join("\n")}
</main>
</body>
</html>
`;
}
