// Reads [[ecma, re2, text], ...] on stdin; prints [[re2js verdict, V8 verdict], ...].
// V8 is the reference for ECMA-262's meaning; it is skipped (null) where asked,
// for inputs that would make its backtracking engine hang.
import { RE2JS } from "re2js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const items = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const out = items.map(([ecma, re2, text, skipV8]) => {
  let mine;
  try {
    mine = RE2JS.compile(re2).test(text);
  } catch (e) {
    mine = `error: ${e.message}`;
  }
  let v8 = null;
  if (!skipV8) {
    try {
      v8 = new RegExp(ecma, "u").test(text);
    } catch (e) {
      v8 = `error: ${e.message}`;
    }
  }
  return [mine, v8];
});
process.stdout.write(JSON.stringify(out));
