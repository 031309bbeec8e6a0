// benchmarks/regex.py's Node half. Reads {pairs: [[ecma, re2 | null, text]], timing:
// [[ecma, re2, texts, rounds]]} on stdin. For each pair: V8's verdict (the reference:
// ECMA-262 with the u flag; "error" if V8 refuses the pattern) and re2js's on the
// compiler's translation (null when the compiler refused it). For each timing entry:
// nanoseconds per match in V8 and in re2js, measured in this process.
import { RE2JS } from "re2js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { pairs, timing } = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const v8Cache = new Map();
const re2Cache = new Map();
function v8(source) {
  if (!v8Cache.has(source)) {
    try {
      v8Cache.set(source, new RegExp(source, "u"));
    } catch {
      v8Cache.set(source, null);
    }
  }
  return v8Cache.get(source);
}
function re2(source) {
  if (!re2Cache.has(source)) {
    try {
      re2Cache.set(source, RE2JS.compile(source));
    } catch (e) {
      re2Cache.set(source, `error: ${e.message}`);
    }
  }
  return re2Cache.get(source);
}

const verdicts = pairs.map(([ecma, translated, text]) => {
  const ref = v8(ecma);
  const theirs = ref === null ? "error" : ref.test(text);
  let mine = null;
  if (translated !== null) {
    const engine = re2(translated);
    mine = typeof engine === "string" ? engine : engine.test(text);
  }
  return [theirs, mine];
});

function perMatch(engine, texts, rounds) {
  let found = 0;
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const t of texts) found += engine.test(t) ? 1 : 0;
  const ns = Number(process.hrtime.bigint() - start);
  return [ns / (rounds * texts.length), found];
}

const timings = timing.map(([ecma, translated, texts, rounds]) => ({
  v8: perMatch(v8(ecma), texts, rounds)[0],
  re2js: perMatch(re2(translated), texts, rounds)[0],
}));

process.stdout.write(JSON.stringify({ verdicts, timings }));
