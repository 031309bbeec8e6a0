// Reads {"package": dir, "items": [[contract id, JSON text], ...]} on stdin; prints
// {"differ": [...], "ruledOut": n, "unsound": [...], "floors": n, "above": [...]}
// (tests/test_union_prune_node.py):
// - each item's violations as the runtime words them, and as it words them with the
//   union report's shortcuts off (`plainly`): "differ" lists the items where they
//   are not the same;
// - for every branch a closest one is picked from, in each item's report: how often
//   its floor (_bounds.ts) is above 0 ("floors"), and where it is above the count of
//   members the branch's errors touch ("above"; the words are the same with every
//   such branch asked, `auditFloors`, or "differ" lists the item);
// - for every branch of every oneOf/anyOf of the package's schemas and every value
//   inside each item: how often the report rules the branch out without a validation
//   ("ruledOut"), and where the validation then finds no violation ("unsound").
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const load = (name) => import(pathToFileURL(join(input.package, name)).href);
const { auditFloors, contract, plainly, ruledOut } = await load("_runtime.js");
const { SCHEMAS } = await load("_schemas.js");

const token = (key) => String(key).replace(/~/g, "~0").replace(/\//g, "~1");
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** Every branch of every oneOf and anyOf: [path, pointer]. */
function branches() {
  const found = [];
  const walk = (path, node, pointer) => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(path, item, `${pointer}/${i}`));
    } else if (isObject(node)) {
      for (const keyword of ["anyOf", "oneOf"]) {
        if (!Array.isArray(node[keyword])) continue;
        node[keyword].forEach((_, i) => found.push([path, `${pointer}/${keyword}/${i}`]));
      }
      for (const key of Object.keys(node)) walk(path, node[key], `${pointer}/${token(key)}`);
    }
  };
  for (const entry of SCHEMAS) walk(entry.path, entry.schema, "");
  return found;
}

function values(value, out = []) {
  out.push(value);
  if (Array.isArray(value)) value.forEach((item) => values(item, out));
  else if (isObject(value)) Object.values(value).forEach((item) => values(item, out));
  return out;
}

const words = (id, text) => {
  try {
    return contract(id).errors(JSON.parse(text));
  } catch (err) {
    return `${err}`;
  }
};
const differ = [];
const above = [];
let floors = 0;
for (const [id, text] of input.items) {
  const mine = JSON.stringify(words(id, text));
  const plain = JSON.stringify(plainly(() => words(id, text)));
  const [audited, pairs] = auditFloors(() => JSON.stringify(words(id, text)));
  if (mine !== plain || mine !== audited) differ.push({ id, text: text.slice(0, 300), mine, plain, audited });
  for (const [floor, touched] of pairs) {
    if (floor > 0) floors += 1;
    if (floor > touched) above.push({ id, text: text.slice(0, 300), floor, touched });
  }
}

const unsound = [];
let ruled = 0;
const located = branches();
for (const [, text] of input.items) {
  for (const value of values(JSON.parse(text))) {
    for (const [path, pointer] of located) {
      let verdict;
      try {
        verdict = ruledOut(path, pointer, value);
      } catch {
        continue; // no schema a validator compiles there
      }
      if (!verdict.doomed) continue;
      ruled += 1;
      if (!verdict.violations.length) {
        unsound.push({ path, pointer, value: JSON.stringify(value).slice(0, 200) });
      }
    }
  }
}
process.stdout.write(JSON.stringify({ differ, ruledOut: ruled, unsound, floors, above }));
