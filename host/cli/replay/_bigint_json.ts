// JSON with exact integers. Tracee's legacy format writes pointers and uint64 values as JSON
// numbers, which JSON.parse rounds past 2^53, and a reviver only ever sees the rounded number
// (Node 20 has no source text for it). So this small parser reads every integer literal as a
// bigint from the text itself; numbers with a fraction or an exponent stay numbers.

/** A parsed value: JSON's, with integers as bigints. */
export type BigJson = null | boolean | number | bigint | string | BigJson[] | { [k: string]: BigJson };

/**
 * A syntax error, with the 1-based column where the text stops being JSON.
 * @example Basic usage
 * ```ts
 * expect(() => parseBigJson("[1,")).toThrow(BigJsonError);
 * ```
 */
export class BigJsonError extends Error {
  override name = "BigJsonError";
  constructor(readonly column: number, what: string) { super(`${what} at column ${column}`); }
}

const WS = /[ \t\r\n]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/**
 * Parses one JSON text, integer literals as bigints (`1` is `1n`), so 64-bit pointers stay exact.
 * @param text the JSON text, for example one line of a Tracee log
 * @returns the value; throws BigJsonError naming the column of the first error
 * @example Basic usage
 * ```ts
 * const v = parseBigJson('{"value":18446744073709551615,"f":1.5}') as { value: bigint; f: number };
 * expect(v.value).toBe(18446744073709551615n);
 * expect(v.f).toBe(1.5);
 * ```
 */
export function parseBigJson(text: string): BigJson {
  let at = 0;
  const skip = (): void => { WS.lastIndex = at; WS.exec(text); at = WS.lastIndex; };
  const fail = (what: string): never => { throw new BigJsonError(at + 1, at >= text.length ? "unexpected end of the line" : `${what}, found ${JSON.stringify(text[at])}`); };
  const value = (depth: number): BigJson => {
    if (depth > 64) fail("nesting deeper than 64 levels");
    skip();
    const c = text[at];
    if (c === "{") {
      at++;
      const o: { [k: string]: BigJson } = {};
      skip();
      if (text[at] === "}") { at++; return o; }
      for (;;) {
        skip();
        if (text[at] !== "\"") fail("expected a key in double quotes");
        const k = str();
        skip();
        if (text[at] !== ":") fail("expected ':'");
        at++;
        Object.defineProperty(o, k, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        skip();
        if (text[at] === ",") { at++; continue; }
        if (text[at] === "}") { at++; return o; }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      at++;
      const a: BigJson[] = [];
      skip();
      if (text[at] === "]") { at++; return a; }
      for (;;) {
        a.push(value(depth + 1));
        skip();
        if (text[at] === ",") { at++; continue; }
        if (text[at] === "]") { at++; return a; }
        fail("expected ',' or ']'");
      }
    }
    if (c === "\"") return str();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, at)) { at += word.length; return v; }
    }
    NUMBER.lastIndex = at;
    const m = NUMBER.exec(text);
    if (!m) return fail("expected a JSON value");
    at = NUMBER.lastIndex;
    return m[1] === undefined && m[2] === undefined ? BigInt(m[0]) : Number(m[0]);
  };
  const str = (): string => {
    STRING.lastIndex = at;
    const m = STRING.exec(text);
    if (!m) fail("unterminated or badly escaped string");
    at = STRING.lastIndex;
    return JSON.parse(m![0]) as string;
  };
  const v = value(0);
  skip();
  if (at < text.length) fail("text after the JSON value");
  return v;
}
