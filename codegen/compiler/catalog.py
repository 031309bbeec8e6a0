"""The catalogue (``schemas/catalog.json``): contracts bound to streams and HTTP.

Optional for code generation. When present it is validated against
``catalog.schema.json`` and every contract it names must be a contract of the folder
(a schema file, or ``file#/$defs/Name``); the generated packages carry a copy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from codegen.compiler.load import CATALOG_FILE, parse_json
from codegen.errors import CompileError, ContractError
from runtime.jsonpointer import pointer_of

SCHEMA = Path(__file__).parent / "catalog.schema.json"


def load_catalog(root: Path, contracts: set[str]) -> dict[str, Any] | None:
    """The checked catalogue of a schemas folder, or ``None`` when it has none."""
    path = root / CATALOG_FILE
    if not path.is_file():
        return None
    catalog = parse_json(path.read_bytes(), CATALOG_FILE)
    from jsonschema import Draft202012Validator  # only when there is a catalogue

    schema = json.loads(SCHEMA.read_text("utf-8"))
    validator = Draft202012Validator(schema)
    errors = [
        ContractError(CATALOG_FILE, pointer_of(e.absolute_path), "catalog", e.message)
        for e in validator.iter_errors(catalog)
    ]
    if errors:
        raise CompileError(errors)
    for name, stream in catalog.get("streams", {}).items():
        for i, message in enumerate(stream.get("messages", [])):
            where = pointer_of(["streams", name, "messages", i, "contract"])
            errors += _check_contract(message.get("contract"), where, contracts)
    for op_id, op in catalog.get("operations", {}).items():
        if "request" in op:
            where = pointer_of(["operations", op_id, "request", "contract"])
            errors += _check_contract(op["request"].get("contract"), where, contracts)
        for status, response in op.get("responses", {}).items():
            where = pointer_of(["operations", op_id, "responses", status, "contract"])
            errors += _check_contract(response.get("contract"), where, contracts)
    if errors:
        raise CompileError(errors)
    result: dict[str, Any] = catalog
    return result


def _check_contract(
    contract: Any, where: str, contracts: set[str]
) -> list[ContractError]:
    if not isinstance(contract, str) or contract in contracts:
        return []
    return [
        ContractError(
            CATALOG_FILE,
            where,
            "catalog-contract",
            f"no contract {contract!r} in the schemas folder",
            "name a schema file relative to the folder, or file#/$defs/Name",
        )
    ]
