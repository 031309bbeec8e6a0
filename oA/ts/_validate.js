// The Node side of `contracts validate --runtime node`: reads
// {"contract": id, "documents": [{"document": name, "text": json}]} on stdin and
// writes [{"document", "valid", "errors"}] on stdout; exit 2 on a usage error.
import { ContractViolation, contract } from "./_runtime.js";
const chunks = [];
for await (const chunk of process.stdin)
    chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
let validator;
try {
    validator = contract(input.contract);
}
catch (err) {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
}
const verdicts = input.documents.map(({ document, text }) => {
    try {
        validator.parseJson(text);
        return { document, valid: true, errors: [] };
    }
    catch (err) {
        if (!(err instanceof ContractViolation))
            throw err;
        return {
            document,
            valid: false,
            errors: err.violations.map((v) => `${v.pointer || "/"}: expected ${v.expected}, got ${v.got}`),
        };
    }
});
process.stdout.write(JSON.stringify(verdicts));
