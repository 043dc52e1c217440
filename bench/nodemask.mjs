// Nodemask.size by width: the JavaScript popcount Nodemask uses up to JS_POPCOUNT_WORDS u64
// words against the engine's mask_popcount (copy into a slot, one call), in the same run.
// Not a test: the numbers depend on the machine and its load. `npm run bench:nodemask`.
import { Nodemask } from "numabind";
import { abi, sharedEngine } from "numabind/engine";

const { MASK_SLOT_BYTES, SLOT_A } = abi;

const N = 200_000;
const time = (f) => {
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, (performance.now() - t0) / N * 1000);
  }
  return best;
};
const pop = (v) => {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
};
const e = sharedEngine();
let sink = 0;
console.log("words64  JS popcount µs  engine µs  JS/engine  Nodemask.size µs");
for (const words of [1, 4, 16, 32, 48, 64, 512]) {
  if (words > MASK_SLOT_BYTES / 8) continue;
  const m = Nodemask.of(0, words * 64 - 1);
  const w = m.toWords();
  const js = time(() => { for (let i = 0; i < N; i++) { let n = 0; for (let j = 0; j < w.length; j++) n += pop(w[j]); sink += n; } });
  const wasm = time(() => { for (let i = 0; i < N; i++) { e.putMask(SLOT_A, w, words); sink += e.x.mask_popcount(words); } });
  const size = time(() => { for (let i = 0; i < N; i++) sink += m.size; });
  console.log(`${String(words).padStart(7)}  ${js.toFixed(4).padStart(16)}  ${wasm.toFixed(4).padStart(9)}  ${(js / wasm).toFixed(2).padStart(9)}  ${size.toFixed(4).padStart(16)}`);
}
if (sink === 0) console.log("");
