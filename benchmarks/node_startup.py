"""Node benchmark (b) of issue #14: import of a generated package and the first
validation of one of its contracts, for packages of 20 and 500 contracts.

Each measurement is a fresh ``node`` process (benchmarks/node/startup.mjs) on a
package generated here from the synthetic set (benchmarks/synth.py) into
benchmarks/node/build/ (so it resolves ajv and re2js from benchmarks/node): the
package's import time (its index, which imports every module) and the first
``contract(id).is(value)`` of one event contract on a valid message (the contract's
smallest valid value, checked with jsonschema) and on an invalid one (``{}``, which
the precompiled check refuses and Ajv then judges); beside it the peer, bare Ajv 2020
importing, adding the same bundled schemas and compiling that contract. Printed:
min and median of ``--runs`` processes each, the goals (first validation under 5 ms,
import of 500 contracts under 300 ms) and the ratios. Speed is reported, never
asserted.

    .venv/bin/python benchmarks/node_startup.py [--sizes 20 500] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.npm import npm_ci  # noqa: E402
from benchmarks.synth import PATTERNS, write_set  # noqa: E402
from codegen.api import generate_to  # noqa: E402
from codegen.emit import Settings  # noqa: E402

BENCH = ROOT / "benchmarks" / "node"


# A value of each synthetic format and pattern (benchmarks/synth.py): valid samples.
EXAMPLES = {
    "date-time": "2026-12-04T09:30:00Z", "date": "2026-12-04", "time": "09:30:00Z",
    "duration": "P1D", "uuid": "0b9e6f3c-8d1a-4c57-9a3e-2f6d1c4b7a10",
    "email": "ada@example.com", "uri": "https://example.com/a",
    "hostname": "example.com", "ipv4": "192.0.2.1", "ipv6": "2001:db8::1",
    "^[A-Z]{3}$": "EUR", "^-?[0-9]+(\\.[0-9]{1,4})?$": "19.99",
    "^[A-Z0-9 -]{3,10}$": "10115", "^[A-Z]{2}$": "DE",
}  # fmt: skip
VALUES = ("ABC-1234", "abc_def", "0123456789abcdef", "+4930123456")
EXAMPLES.update(zip(PATTERNS, VALUES, strict=True))


def valid_instance(schema: Any, files: dict[str, Any], here: str) -> Any:
    """The smallest valid value of a synthetic schema: required properties only, the
    first enum value or union branch, the least number the bounds allow."""
    if "$ref" in schema:
        ref = schema["$ref"]
        base, _, pointer = ref.partition("#")
        target_file = str(Path(here).parent / base) if base else here
        target = files[os.path.normpath(target_file)]
        for token in pointer.split("/")[1:]:
            target = target[token]
        return valid_instance(target, files, os.path.normpath(target_file))
    if "oneOf" in schema:
        return valid_instance(schema["oneOf"][0], files, here)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    kind = next(k for k in kind if k != "null") if isinstance(kind, list) else kind
    if kind == "object":
        props = schema.get("properties", {})
        return {
            k: valid_instance(props[k], files, here) for k in schema.get("required", [])
        }
    if kind == "array":
        item = valid_instance(schema.get("items", {}), files, here)
        return [item] * schema.get("minItems", 0)
    if kind == "string":
        key = schema.get("format", schema.get("pattern"))
        return EXAMPLES[key] if key else "x" * max(1, schema.get("minLength", 0))
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        return int(low) + (1 if "exclusiveMinimum" in schema else 0)
    return True if kind == "boolean" else None


def sample_of(schemas: Path, contract: str) -> Any:
    """A valid instance of ``contract`` (checked with jsonschema)."""
    files = {
        os.path.normpath(str(p.relative_to(schemas))): json.loads(p.read_text())
        for p in schemas.rglob("*.json")
    }
    instance = valid_instance(files[contract], files, contract)
    registry: Registry[Any] = Registry().with_resources(
        (f"file:///s/{name}", Resource.from_contents(doc))
        for name, doc in files.items()
    )
    validator = Draft202012Validator(
        {"$ref": f"file:///s/{contract}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    validator.validate(instance)
    return instance


def measure(pkg: Path, contract: str, sample: Path, which: str) -> dict[str, float]:
    done = subprocess.run(
        ["node", str(BENCH / "startup.mjs"), str(pkg), contract, str(sample), which],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 500])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    npm_ci(BENCH)
    for size in args.sizes:
        work = BENCH / "build" / f"startup-{size}"
        shutil.rmtree(work, ignore_errors=True)
        write_set(work / "schemas", size)
        generate_to(work / "schemas", work / "out", Settings())
        pkg = work / "out" / "ts"
        manifest = json.loads((pkg / "manifest.json").read_text())
        contract = next(c["contract"] for c in manifest["contracts"] if c["type"])
        valid = work / "valid.json"
        valid.write_text(json.dumps(sample_of(work / "schemas", contract)))
        invalid = work / "invalid.json"
        invalid.write_text("{}")  # no required property: Ajv compiles for the errors
        runs: dict[str, list[dict[str, float]]] = {
            "ours": [],
            "ours-invalid": [],
            "peer": [],
        }
        for _ in range(args.runs):
            runs["ours"].append(measure(pkg, contract, valid, "ours"))
            runs["ours-invalid"].append(measure(pkg, contract, invalid, "ours"))
            runs["peer"].append(measure(pkg, contract, valid, "peer"))
        line = [f"{size} contracts ({contract}):"]
        for which, rows in runs.items():
            for key in ("import_ms", "first_ms"):
                values = [r[key] for r in rows]
                line.append(
                    f"{which} {key} min {min(values):.1f} median"
                    f" {statistics.median(values):.1f}"
                )
        print("\n  ".join(line))
        ours = statistics.median(r["first_ms"] for r in runs["ours"])
        bad = statistics.median(r["first_ms"] for r in runs["ours-invalid"])
        peer = statistics.median(r["first_ms"] for r in runs["peer"])
        print(
            f"  ratio first validation package / bare Ajv compile: {ours / peer:.2f}x"
        )
        imported = statistics.median(r["import_ms"] for r in runs["ours"])
        print(
            f"  goals: first validation {ours:.1f} ms (< 5 ms; an invalid message"
            f" {bad:.1f} ms), import {imported:.1f} ms (< 300 ms for 500)"
        )
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
