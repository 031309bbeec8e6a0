// A long-lived verdict server, for tests that ask one instance at a time.
//
// usage: node worker.mjs, then one request per line on stdin:
//   {"pkg": "<generated ts folder>", "contract": id, "text": "<JSON text>"}
// and verdict.mjs's answer, one JSON line each, on stdout, in order.
import { createInterface } from "node:readline";
import { verdict } from "./verdict.mjs";

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim()) process.stdout.write(JSON.stringify(await verdict(JSON.parse(line))) + "\n");
}
