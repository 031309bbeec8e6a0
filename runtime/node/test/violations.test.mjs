// The wording helpers of _violations.js: code point order and the short rendering of
// a value, written without building every string in full (run: `node --test`).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareCodePoints, show } from "../compiled/_violations.js";

/** The definition: compare arrays of code points. */
function byCodePoint(a, b) {
  const x = Array.from(a, (c) => c.codePointAt(0));
  const y = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

describe("compareCodePoints", () => {
  it("orders by code point where UTF-16 units order otherwise", () => {
    const units = ["a", "é", "\uD83D\uDC32", "\uD800", "\uDC00", "\uE000", "\uFFFF", "~"];
    const strings = [""];
    for (const a of units) for (const b of units) strings.push(a + b, `x${a}${b}`);
    for (const a of strings) {
      for (const b of strings) {
        assert.equal(Math.sign(compareCodePoints(a, b)), Math.sign(byCodePoint(a, b)), JSON.stringify([a, b]));
      }
    }
    assert.ok(compareCodePoints("\uD83D\uDC32", "\uFFFF") > 0); // U+1F432 after U+FFFF
  });
});

describe("show", () => {
  it("renders short values whole, as Python's json.dumps with sorted keys", () => {
    assert.equal(show({ b: [1, null], a: "é" }), '{"a": "é", "b": [1, null]}');
    assert.equal(show(Infinity), "Infinity");
  });
  it("cuts a long value at 77 code points, whatever its size", () => {
    const big = { items: Array.from({ length: 100000 }, (_, i) => ({ id: i, tag: "🐲" })) };
    const text = show(big);
    assert.ok(text.endsWith("..."));
    assert.equal(Array.from(text).length, 80);
    assert.ok(text.startsWith('{"items": [{"id": 0, "tag": "🐲"}, {"id": 1'));
    assert.equal(show("🐲".repeat(80)), `"${"🐲".repeat(76)}...`); // 82 code points with quotes
  });
});
