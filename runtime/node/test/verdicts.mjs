// Verdicts of the runtime for a batch of inputs, for tests/test_ts_runtime.py.
//
// stdin:  {"schemas": [{path, draft, schema}], "formats": [[name, string]],
//          "formatNames": true (the names of the runtime's FORMATS, sorted),
//          "multiples": [[value JSON text, divisor JSON text]],
//          "values": [[contract, value]],
//          "texts": [[contract, text]]}
// stdout: {"formats": [bool], "multiples": [bool], "values": [[Violation]],
//          "texts": [message or null]}
import { loadRuntime } from "./fixture.mjs";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const { runtime, cleanup } = await loadRuntime(input.schemas ?? []);
try {
  const out = {
    formats: (input.formats ?? []).map(([name, s]) => runtime.FORMATS[name](s)),
    formatNames: input.formatNames ? Object.keys(runtime.FORMATS).sort() : undefined,
    multiples: (input.multiples ?? []).map(([a, b]) =>
      runtime.isMultiple(JSON.parse(a), JSON.parse(b)),
    ),
    values: (input.values ?? []).map(([id, value]) => runtime.contract(id).errors(value)),
    texts: (input.texts ?? []).map(([id, text]) => {
      try {
        runtime.contract(id).parseJson(text);
        return null;
      } catch (error) {
        if (!(error instanceof runtime.ContractViolation)) throw error;
        return error.message;
      }
    }),
  };
  process.stdout.write(JSON.stringify(out));
} finally {
  cleanup();
}
