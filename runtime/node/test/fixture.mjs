// A generated-like package around the compiled runtime (runtime/node/compiled), for the tests.
import { copyFileSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const COMPILED = join(HERE, "..", "compiled");

/**
 * Writes the compiled runtime modules (copied), _schemas.js (from `schemas`: [{path, draft, schema}])
 * and a node_modules link (ESM ignores NODE_PATH) into a temporary folder, imports
 * the runtime from there and returns it with a `cleanup` function.
 */
export async function loadRuntime(schemas = []) {
  const dir = mkdtempSync(join(tmpdir(), "contracts-runtime-"));
  // Every compiled module but those written below.
  const written = new Set(["_schemas.js", "_catalog.js", "_manifest.js"]);
  const copied = readdirSync(COMPILED).filter((n) => n.endsWith(".js") && !written.has(n));
  for (const name of copied) {
    copyFileSync(join(COMPILED, name), join(dir, name));
  }
  const entries = schemas.map(({ path, draft = "2020-12", schema }) => {
    const uri = schema.$id ?? `file:///schemas/${path}`;
    return { uri, path, draft, schema: { ...schema, $id: uri } };
  });
  // JSON.parse, not an object literal: in a literal, "__proto__": {...} would set
  // the prototype instead of making a property of that name.
  const text = JSON.stringify(JSON.stringify(entries));
  // No PATTERNS translated: these tests' patterns are read as RE2 syntax.
  writeFileSync(
    join(dir, "_schemas.js"),
    `export const SCHEMAS = JSON.parse(${text});\nexport const PATTERNS = new Map();\nexport const NATIVE = new Set();\n`,
  );
  writeFileSync(join(dir, "_catalog.js"), "export const CATALOG = null;\n");
  // No manifest contracts: every contract's engine holds every schema file.
  writeFileSync(join(dir, "_manifest.js"), "export const MANIFEST = { contracts: [] };\n");
  symlinkSync(join(HERE, "..", "node_modules"), join(dir, "node_modules"), "dir");
  const runtime = await import(pathToFileURL(join(dir, "_runtime.js")).href);
  const http = await import(pathToFileURL(join(dir, "http.js")).href);
  return { runtime, http, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
