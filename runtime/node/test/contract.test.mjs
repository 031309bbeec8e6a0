// contract(), violations and JSON limits of _runtime.js (run: `node --test`).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadRuntime } from "./fixture.mjs";

const ORDER = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  required: ["id", "lines"],
  additionalProperties: false,
  properties: {
    id: { type: "string", format: "uuid" },
    status: { enum: ["pending", "paid"] },
    total: { type: "number", multipleOf: 0.01, minimum: 0 },
    lines: { type: "array", minItems: 1, items: { $ref: "file:///schemas/common/line.json" } },
    tags: { type: "array", uniqueItems: true, items: { type: "string" } },
    labels: { type: "object", propertyNames: { pattern: "^[a-z]+$" } },
    card: { type: "string" },
    billing: { type: "string" },
    pick: { oneOf: [{ type: "string" }, { type: "integer" }] },
    ["__proto__"]: { type: "string" }, // computed: a literal __proto__ key sets the prototype
    constructor: { type: "string" },
  },
  dependentRequired: { card: ["billing"] },
  $defs: { Code: { type: "string", pattern: "^[A-Z]{3}$" } },
};
const LINE = {
  $id: "https://contracts.example.com/common/line.json",
  type: "object",
  required: ["sku"],
  properties: { sku: { type: "string", minLength: 2 }, quantity: { type: "integer" } },
};
const LEGACY = {
  $schema: "http://json-schema.org/draft-07/schema#",
  definitions: { Name: { type: "string", maxLength: 5 } },
  properties: {
    nick: { $ref: "#/definitions/Name", minLength: 3 }, // draft-07: minLength is ignored
    pair: { items: [{ type: "number" }], additionalItems: false },
  },
  dependencies: { a: ["b"] },
};
const UUID = "123e4567-e89b-12d3-a456-426614174000";

let rt;
let cleanup;
before(async () => {
  ({ runtime: rt, cleanup } = await loadRuntime([
    { path: "order.json", schema: ORDER },
    { path: "common/line.json", schema: LINE },
    { path: "legacy.json", draft: "7", schema: LEGACY },
  ]));
});
after(() => cleanup());

describe("contract", () => {
  it("is cached per id and refuses unknown files", () => {
    assert.equal(rt.contract("order.json"), rt.contract("order.json"));
    assert.throws(() => rt.contract("nope.json"), rt.UnknownContract);
    assert.ok(new rt.UnknownContract("x") instanceof rt.RuntimeContractError);
  });

  it("accepts a valid value and returns it", () => {
    const value = { id: UUID, lines: [{ sku: "MUG" }], total: 19.99, pick: 3 };
    assert.equal(rt.contract("order.json").is(value), true);
    assert.equal(rt.contract("order.json").parse(value), value);
    assert.deepEqual(rt.contract("order.json").errors(value), []);
  });

  it("lists every violation, sorted, with pointers", () => {
    const value = {
      id: "x",
      status: "refunded",
      total: 1.001,
      lines: [{ quantity: "2" }],
      tags: ["a", "a"],
      labels: { Bad: 1 },
      card: "4111",
      pick: 1.5,
      "a/b": "x".repeat(100),
    };
    assert.deepEqual(rt.contract("order.json").errors(value), [
      {
        pointer: "/a~1b",
        expected: "no such property (additionalProperties is false)",
        got: `"${"x".repeat(76)}...`,
      },
      { pointer: "/billing", expected: "a required property (card is present)", got: "nothing" },
      { pointer: "/id", expected: "a valid uuid string", got: '"x"' },
      {
        pointer: "/labels/Bad",
        expected: "a string matching ^[a-z]+$ (as a property name)",
        got: '"Bad"',
      },
      { pointer: "/lines/0/quantity", expected: "an integer", got: '"2"' },
      { pointer: "/lines/0/sku", expected: "a required property", got: "nothing" },
      { pointer: "/pick", expected: "a string", got: "1.5" },
      {
        pointer: "/pick",
        expected: "the string branch (the closest; tried string, integer)",
        got: "1.5",
      },
      { pointer: "/status", expected: 'one of "pending", "paid"', got: '"refunded"' },
      { pointer: "/tags", expected: "unique items (item 1 repeats)", got: '["a", "a"]' },
      { pointer: "/total", expected: "a multiple of 0.01", got: "1.001" },
    ]);
  });

  it("counts own properties only, including one named __proto__", () => {
    const c = rt.contract("order.json");
    assert.deepEqual(
      c.errors(JSON.parse(`{"id": "${UUID}", "lines": [{"sku": "ab"}], "__proto__": "p"}`)),
      [],
    );
    const bad = c.errors(JSON.parse(`{"id": "${UUID}", "lines": [{"sku": "ab"}], "__proto__": 1}`));
    assert.deepEqual(bad, [{ pointer: "/__proto__", expected: "a string", got: "1" }]);
  });

  it("checks a definition inside a file", () => {
    const code = rt.contract("order.json#/$defs/Code");
    assert.equal(code.is("EUR"), true);
    assert.deepEqual(code.errors("eur"), [
      { pointer: "", expected: "a string matching ^[A-Z]{3}$", got: '"eur"' },
    ]);
    assert.equal(rt.contract("common/line.json").is({ sku: "ab" }), true);
  });

  it("reads draft-07 schemas with draft-07 rules", () => {
    const legacy = rt.contract("legacy.json");
    assert.equal(legacy.is({ nick: "ab" }), true);
    assert.deepEqual(legacy.errors({ nick: "abcdef", pair: [1, 2], a: 1 }), [
      { pointer: "/b", expected: "a required property (a is present)", got: "nothing" },
      { pointer: "/nick", expected: "at most 5 character(s)", got: '"abcdef"' },
      { pointer: "/pair", expected: "at most 1 item(s)", got: "[1, 2]" },
    ]);
  });
});

describe("ContractViolation", () => {
  it("has the Python runtime's message, sorted and without duplicates", () => {
    const v = (pointer, expected, got) => ({ pointer, expected, got });
    const error = new rt.ContractViolation(
      "order.json",
      [
        v("/b", "a string", "1"),
        v("", "an object", "[]"),
        v("/b", "a string", "1"),
        v("/a", "x", "y"),
      ],
      { stream: "orders", id: "1-0" },
    );
    assert.ok(error instanceof Error && error instanceof rt.RuntimeContractError);
    assert.equal(error.name, "ContractViolation");
    assert.equal(
      error.message,
      "order.json id=1-0 stream=orders: 3 violation(s)\n" +
        "  /: expected an object, got []\n" +
        "  /a: expected x, got y\n" +
        "  /b: expected a string, got 1",
    );
    assert.deepEqual(JSON.parse(JSON.stringify(error)).violations.length, 3);
  });

  it("is what parse throws", () => {
    assert.throws(
      () => rt.contract("order.json").parse({ id: UUID }),
      (e) =>
        e instanceof rt.ContractViolation &&
        e.contract === "order.json" &&
        e.violations.length === 1,
    );
  });
});

describe("parseJson", () => {
  const c = () => rt.contract("order.json#/$defs/Code");
  const message = (fn) => {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof rt.ContractViolation);
      return error.violations;
    }
    assert.fail("no ContractViolation");
  };

  it("parses text and bytes", () => {
    assert.equal(c().parseJson('"EUR"'), "EUR");
    assert.equal(c().parseJson(new TextEncoder().encode('"EUR"')), "EUR");
  });

  it("checks the size in UTF-8 bytes before parsing", () => {
    assert.deepEqual(
      message(() => c().parseJson('"\u00e9\u00e9"', { maxBytes: 5 })),
      [{ pointer: "", expected: "at most 5 bytes", got: "6 bytes" }],
    );
    assert.deepEqual(
      message(() => c().parseJson("x".repeat((1 << 20) + 1))),
      [{ pointer: "", expected: "at most 1048576 bytes", got: "1048577 bytes" }],
    );
  });

  it("checks the nesting depth before parsing, skipping strings", () => {
    const deep = "[".repeat(65) + "]".repeat(65);
    assert.deepEqual(
      message(() => c().parseJson(deep)),
      [{ pointer: "", expected: "nesting depth at most 64", got: "depth 65" }],
    );
    assert.deepEqual(
      message(() => c().parseJson('["[[[[\\"[["]', { maxDepth: 1 })),
      [{ pointer: "", expected: "a string", got: '["[[[[\\"[["]' }],
    );
    assert.equal(rt.nestingDepth('{"a": [1, "]]]", {"b": []}]}'), 4);
  });

  it("reports malformed JSON, bad UTF-8 and a byte order mark", () => {
    const [bad] = message(() => c().parseJson('{"a": 1'));
    assert.equal(bad.expected, "valid JSON");
    assert.match(bad.got, /JSON/);
    const [utf8] = message(() => c().parseJson(new Uint8Array([0x22, 0xff, 0x22])));
    assert.equal(utf8.expected, "valid JSON");
    const [bom] = message(() =>
      c().parseJson(new Uint8Array([0xef, 0xbb, 0xbf, 0x22, 0x41, 0x22])),
    );
    assert.equal(bom.expected, "valid JSON");
  });
});

describe("problem documents (http.js)", () => {
  let http;
  before(async () => {
    const loaded = await loadRuntime([]);
    http = loaded.http;
    after(() => loaded.cleanup());
  });

  it("list at most 100 violations and count the rest in errors_omitted", () => {
    const violations = Array.from({ length: 130 }, (_, i) => ({
      pointer: `/k${String(i).padStart(3, "0")}`,
      expected: "no such property (additionalProperties is false)",
      got: String(i),
    }));
    const body = http.problem(422, "contract-violation", "Bad", "130 violation(s)", "/x", violations);
    assert.equal(body.errors.length, 100);
    assert.equal(body.errors_omitted, 30);
    assert.equal(body.errors[99].pointer, "/k099");
    assert.equal(body.errors[0].message, "/k000: expected no such property (additionalProperties is false), got 0");
    const few = http.problem(422, "contract-violation", "Bad", "1", "/x", violations.slice(0, 3));
    assert.equal(few.errors.length, 3);
    assert.equal("errors_omitted" in few, false);
  });
});

describe("nesting limit (depth counted only when the brackets could exceed it)", () => {
  it("refuses text deeper than maxDepth, however the brackets are spread", () => {
    const order = rt.contract("order.json");
    const deep = `{"lines": ${"[".repeat(70)}${"]".repeat(70)}}`;
    assert.throws(() => order.parseJson(deep), (error) =>
      error.violations[0].expected === "nesting depth at most 64" &&
      error.violations[0].got === "depth 71");
    const wide = JSON.stringify({ id: "x", tags: Array.from({ length: 100 }, () => ({})) });
    assert.throws(() => order.parseJson(wide), (error) =>
      !error.violations.some((v) => v.expected.startsWith("nesting")));
    assert.equal(rt.nestingDepth('{"a": "[[[[", "b": [[1]]}'), 3);
  });
});
