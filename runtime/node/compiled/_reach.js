// The schema files a contract reaches, from the manifest: it lists once per schema
// file the other files its $refs name directly (`references`); a contract reaches
// the closure of its file over that table, its own file included (sorted as the
// generator sorts paths). Computed on first use per file, then kept.
import { MANIFEST } from "./_manifest.js";
const reached = new Map();
/** The files `file` reaches, itself included, or null when the manifest does not know it. */
export function reachedFiles(file) {
    const references = MANIFEST?.references;
    if (references === undefined || !Object.hasOwn(references, file))
        return null;
    let found = reached.get(file);
    if (found === undefined) {
        const seen = new Set([file]);
        const stack = [file];
        while (stack.length > 0) {
            const next = references[stack.pop()];
            for (const target of next ?? []) {
                if (!seen.has(target)) {
                    seen.add(target);
                    stack.push(target);
                }
            }
        }
        found = Object.freeze([...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        reached.set(file, found);
    }
    return found;
}
