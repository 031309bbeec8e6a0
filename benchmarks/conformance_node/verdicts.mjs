// Verdicts of many generated npm packages' validators, in one Node process.
//
// usage: node verdicts.mjs < [{"pkg": "<generated ts folder>", "contract": id,
//                              "text": "<JSON text of the instance>"}, ...]
// stdout: a JSON array with verdict.mjs's answer for each input, in order.
import { verdict } from "./verdict.mjs";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const out = [];
for (const item of JSON.parse(Buffer.concat(chunks).toString("utf8"))) {
  out.push(await verdict(item));
}
process.stdout.write(JSON.stringify(out));
