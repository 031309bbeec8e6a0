// Copies the generated package (generated/ts) into node_modules/@platform/contracts,
// as a registry install would, so every run tests the current generated code.
import { cpSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("../../generated/ts", import.meta.url));
const target = fileURLToPath(new URL("node_modules/@platform/contracts", import.meta.url));
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true, filter: (path) => !path.includes("node_modules") });
