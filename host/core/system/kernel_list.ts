/**
 * Parses the kernel's node/CPU list format ("0-3,8,10-11", as in sysfs and Mems_allowed_list)
 * into ascending ids. Whitespace around the list is ignored; an empty list is [].
 * @param s the list text
 * @returns ids in ascending order
 * @example
 * ```ts
 * expect(parseKernelList("0-2,5\n")).toEqual([0, 1, 2, 5]);
 * ```
 */
export function parseKernelList(s: string): number[] {
  const t = s.trim();
  if (t === "") return [];
  const out: number[] = [];
  for (const part of t.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new SyntaxError(`Cannot parse kernel list "${t}": bad item "${part}"`);
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out.sort((x, y) => x - y);
}
