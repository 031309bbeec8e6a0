// Reads {"package": dir, "items": [[contract id, JSON text], ...]} on stdin; prints
// [[precompiled validator's verdict (null: none), Ajv's verdict, the violations the
// runtime reports with it (null: none), those it reports with Ajv alone], ...] for
// each item, through the package's own runtime (tests/test_precompiled.py).
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const { verdicts } = await import(pathToFileURL(join(input.package, "_runtime.js")).href);
const out = input.items.map(([id, text]) => {
  const { precompiled, ajv, mine, theirs } = verdicts(id, JSON.parse(text));
  return [precompiled, ajv, mine, theirs];
});
process.stdout.write(JSON.stringify(out));
