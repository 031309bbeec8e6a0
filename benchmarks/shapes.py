"""Synthetic shapes for the code generation benchmark, built on ``synth.build_set``.

Every shape starts from the ``flat`` set of :mod:`benchmarks.synth` (``count``
event files and one shared definitions file) and adds references between the
event files:

``flat``
    Today's set unchanged: events reference only the shared definitions.
``events``
    Each event refers to two earlier events (seeded random picks), by two
    optional properties ``after`` and ``caused_by``, so reference chains run
    through the whole set, as the issue measured.
``chain``
    Event ``i`` refers to event ``i + 1`` (property ``next``): one reference chain
    ``count`` files deep, each link pointing at a *later* file, the worst order
    for a compiler that lowers files in order.
``envelope``
    Every event gains a ``const`` tag property ``event_type``, and one more file,
    ``envelope/any_event.v1.json``, holds a ``data`` property that is a
    ``count``-way ``oneOf`` of ``$ref``s to every event, tagged by that property.

Same shape, count and seed: byte-identical files.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from benchmarks.synth import DRAFT, Schema, build_set

SHAPES = ("flat", "events", "chain", "envelope")
ENVELOPE_FILE = "envelope/any_event.v1.json"


def _events(files: dict[str, Schema]) -> list[str]:
    return [rel for rel in files if rel.startswith("events/")]


def _ref(source: str, target: str) -> dict[str, str]:
    """A relative ``$ref`` from the file ``source`` to the root of ``target``."""
    up = "../" * (source.count("/"))
    return {"$ref": up + target}


def _add(schema: Schema, name: str, value: Any, required: bool = False) -> None:
    schema["properties"][name] = value
    if required:
        schema["required"] = sorted([*schema["required"], name])


def build_shape(shape: str, count: int, seed: int = 2020) -> dict[str, Schema]:
    """The set of one shape as ``{relative path: schema}``."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}: one of {', '.join(SHAPES)}")
    files = build_set(count, seed)
    events = _events(files)
    rng = random.Random(seed + 1)
    if shape == "events":
        for i, rel in enumerate(events[2:], start=2):
            first, second = rng.sample(range(i), 2)
            _add(files[rel], "after", _ref(rel, events[first]))
            _add(files[rel], "caused_by", _ref(rel, events[second]))
    elif shape == "chain":
        for rel, later in zip(events, events[1:], strict=False):
            _add(files[rel], "next", _ref(rel, later))
    elif shape == "envelope":
        members = []
        for rel in events:
            message = files[rel]["x-message"]["type"]
            _add(files[rel], "event_type", {"const": message}, required=True)
            members.append(_ref(ENVELOPE_FILE, rel))
        files[ENVELOPE_FILE] = {
            "$schema": DRAFT,
            "title": "AnyEvent",
            "type": "object",
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "data": {"title": "AnyEventData", "oneOf": members},
            },
            "required": ["id", "data"],
            "additionalProperties": False,
        }
    return files


def write_shape(root: Path, shape: str, count: int, seed: int = 2020) -> list[Path]:
    """Write the set of one shape below ``root``; return the files written."""
    written = []
    for rel, schema in build_shape(shape, count, seed).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
