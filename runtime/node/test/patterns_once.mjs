// Counts how often each pattern runs on each string, in a generated package (for
// tests/test_regex_node.py, issue #13.2: each pattern runs once per value).
//
//   node patterns_once.mjs PACKAGE_DIR CONTRACT TYPE VERSION < documents.json
//
// Both engines the package runs patterns in count their tests, wrapped before the
// package compiles anything: re2js's compile, and V8's RegExp test for the patterns the
// package hands to V8 (its NATIVE set). So every regular expression Ajv builds
// (pattern, patternProperties, propertyNames) counts.
// For each document: the contract's parse, then buildEnvelope and readEnvelope (the
// stream path). Prints, per document and step, the number of matches and the
// (pattern, string) pairs matched more than once, or the error the step threw.
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { RE2JS } from "re2js";

const [pkg, contractId, type, version] = process.argv.slice(2);
const counts = new Map();
function count(source, text) {
  const key = JSON.stringify([source, text]);
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
const compile = RE2JS.compile.bind(RE2JS);
RE2JS.compile = (source, ...rest) => {
  const re = compile(source, ...rest);
  return {
    test(text) {
      count(source, text);
      return re.test(text);
    },
    toString: () => re.toString(), // Ajv's key for the compiled expression
  };
};
const { NATIVE } = await import(pathToFileURL(join(pkg, "_schemas.js")).href);
const nativeTest = RegExp.prototype.test;
RegExp.prototype.test = function test(text) {
  if (this.unicode && NATIVE.has(this.source)) count(this.source, text);
  return nativeTest.call(this, text);
};

const { contract, buildEnvelope, readEnvelope } = await import(
  pathToFileURL(join(pkg, "index.js")).href
);

function counted(step) {
  counts.clear();
  let error = null;
  try {
    step();
  } catch (caught) {
    error = caught?.name ?? String(caught);
  }
  let matches = 0;
  const twice = [];
  for (const [key, n] of counts) {
    matches += n;
    if (n > 1) twice.push([...JSON.parse(key), n]);
  }
  return { matches, twice, error };
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const documents = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const out = documents.map((document) => {
  const parse = counted(() => contract(contractId).parse(document));
  let built;
  const build = counted(() => {
    built = buildEnvelope(type, Number(version), document, { source: "node:test" });
  });
  const read = counted(() => readEnvelope(JSON.parse(JSON.stringify(built ?? {}))));
  return { parse, build, read };
});
process.stdout.write(JSON.stringify(out));
