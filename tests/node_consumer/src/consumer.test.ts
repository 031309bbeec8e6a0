// A Node business module using the generated contracts, as its authors would.
// `tsc --strict` type-checks it (the narrowing and @ts-expect-error lines are
// compile-time tests); `node --test` runs it against the real validators.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import {
  ContractViolation,
  FINGERPRINT,
  MANIFEST,
  OrderStatusValues,
  isOrderCreated,
  parseContentPart,
  parseLlmToolCall,
  parseOrderCreated,
  parseOrderCreatedJson,
  type ContentPart,
  type OrderCreated,
  type OrderStatus,
} from "@platform/contracts";
import { parseOrderCreatedV2 } from "@platform/contracts/order/order_created_v2";

const here = dirname(fileURLToPath(import.meta.url));
const samples = join(here, "..", "..", "samples");

function sample(contract: string, name: string): unknown {
  return JSON.parse(readFileSync(join(samples, contract, name), "utf8"));
}

// A switch on the union tag narrows to the variant: `part.text` only compiles
// in the "text" branch, `part.content` only in "tool_result".
function describe(part: ContentPart): string {
  switch (part.kind) {
    case "text":
      return `text(${part.text.length})`;
    case "image":
      return `image(${part.mime})`;
    case "tool_result":
      return `tool_result(${part.content.map(describe).join(",")})`;
    default: {
      const unreachable: never = part;
      return unreachable;
    }
  }
}

test("a valid order parses to the typed value", () => {
  const order: OrderCreated = parseOrderCreated(
    sample("order/order_created.v1", "valid-full.json"),
  );
  const status: OrderStatus = order.status;
  assert.ok(OrderStatusValues.includes(status));
  assert.ok(order.lines.length >= 1);
  // @ts-expect-error quantity is a number, not a string
  const wrong: string = order.lines[0]!.quantity;
  void wrong;
});

test("an invalid order throws ContractViolation listing every error", () => {
  const bad = sample("order/order_created.v1", "invalid-string-quantity.json");
  assert.equal(isOrderCreated(bad), false);
  assert.throws(
    () => parseOrderCreated(bad),
    (err: unknown) => {
      assert.ok(err instanceof ContractViolation);
      assert.deepEqual(
        err.violations.map((v) => v.pointer),
        ["/lines/0/quantity"],
      );
      assert.equal(err.violations[0]!.expected, "an integer");
      assert.equal(err.violations[0]!.got, '"5"');
      return true;
    },
  );
});

test("JSON text is size- and depth-checked before parsing", () => {
  assert.throws(() => parseOrderCreatedJson("{"), ContractViolation);
  const deep = "[".repeat(500) + "]".repeat(500);
  assert.throws(() => parseOrderCreatedJson(deep), /nesting depth/);
});

test("every repository sample gets its labelled verdict", () => {
  let checked = 0;
  for (const [contract, parse] of [
    ["order/order_created.v1", parseOrderCreated],
    ["order/order_created.v2", parseOrderCreatedV2],
    ["llm/tool_call.v1", parseLlmToolCall],
  ] as const) {
    for (const name of readdirSync(join(samples, contract))) {
      const value = sample(contract, name);
      let ok = true;
      try {
        parse(value);
      } catch (err) {
        assert.ok(err instanceof ContractViolation, String(err));
        ok = false;
      }
      assert.equal(ok, name.startsWith("valid-"), `${contract}/${name}`);
      checked += 1;
    }
  }
  assert.ok(checked > 20);
});

test("discriminated content narrows at runtime too", () => {
  const part = parseContentPart({
    kind: "tool_result",
    tool_call_id: "call_1",
    content: [{ kind: "text", text: "42" }],
  });
  assert.equal(describe(part), "tool_result(text(2))");
});

test("the package carries its contract fingerprints", () => {
  assert.match(FINGERPRINT, /^sha256:[0-9a-f]{64}$/);
  const order = MANIFEST.contracts.find((c) => c.type === "order.created" && c.version === 1);
  assert.ok(order);
  assert.match(order.fingerprint, /^sha256:/);
});
