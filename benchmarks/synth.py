"""A deterministic synthetic set of event contracts for the code generation benchmark.

:func:`write_set` writes ``count`` JSON Schema draft 2020-12 files,
``events/<domain>/<name>.v1.json``, plus ``common/defs.json``, a definitions-only
file of shared types (``Money``, ``Uuid``, ``Address``, ``Status``...) that the
events reach with relative ``$ref``s. Each event has 8-25 properties that mix
strings with formats, patterns and lengths, bounded integers, numbers, booleans,
nullable fields, enums, arrays of nested objects and references to the shared
definitions; about a third also carry a ``oneOf`` of 2-4 object variants tagged
by a ``const`` property ``kind``, the variants kept in ``$defs``.

Every object schema, enum and ``$defs`` entry has a ``title`` that is unique
across the whole set (prefixed with the event's PascalCase name), and every root
has ``x-message`` and ``additionalProperties: false``. The same seed and count
always give byte-identical files.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DEFS_FILE = "common/defs.json"
DEFS_REF = "../../common/defs.json#/$defs/"

Schema = dict[str, Any]

DOMAINS: dict[str, tuple[str, ...]] = {
    "billing": ("invoice", "credit_note", "payment_plan", "dunning_notice"),
    "orders": ("order", "cart", "return_request", "fulfilment"),
    "inventory": ("stock_item", "warehouse", "reservation", "transfer"),
    "shipping": ("shipment", "parcel", "carrier_quote", "delivery_slot"),
    "identity": ("account", "session", "api_key", "role_binding"),
    "payments": ("payment", "refund", "chargeback", "payout"),
    "catalog": ("product", "price_list", "category", "bundle"),
    "support": ("ticket", "conversation", "escalation", "survey"),
    "analytics": ("report", "dashboard", "export_job", "segment"),
    "notifications": ("email", "sms_message", "push_message", "webhook"),
}
VERBS = (
    "created", "updated", "deleted", "approved", "rejected", "archived",
    "restored", "assigned", "expired", "completed", "failed", "scheduled",
)  # fmt: skip

STEMS = (
    "reference", "label", "note", "source", "channel", "region", "reason",
    "owner", "comment", "summary", "external_ref", "correlation", "origin",
    "locale_hint", "batch", "priority_code", "segment_key", "campaign",
    "partner", "device", "agent", "queue", "cohort", "tenant", "bucket",
    "revision", "sequence", "attempt", "score", "weight", "quota", "limit",
    "ratio", "duration_hint", "window", "threshold", "count", "flag",
)  # fmt: skip
FORMATS = ("date-time", "date", "time", "duration", "uuid", "email", "uri")
FORMATS_EXTRA = ("hostname", "ipv4", "ipv6")
PATTERNS = (
    "^[A-Z]{3}-[0-9]{4,8}$",
    "^[a-z][a-z0-9_]{2,31}$",
    "^[0-9a-f]{16}$",
    "^\\+[1-9][0-9]{6,14}$",
)
ENUM_WORDS = (
    "low", "normal", "high", "urgent", "draft", "open", "pending", "closed",
    "manual", "automatic", "web", "mobile", "partner", "internal", "retry",
    "ignore", "escalate", "hold",
)  # fmt: skip
KINDS = ("card", "bank_transfer", "wallet", "voucher", "cash", "crypto")


def pascal(snake: str) -> str:
    """``"credit_note"`` -> ``"CreditNote"``."""
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


def _named(title: str, type_: str, **keywords: Any) -> Schema:
    return {"title": title, "type": type_, **keywords}


def common_defs() -> Schema:
    """The definitions-only file that every event may reference."""
    obj = {"type": "object", "additionalProperties": False}
    return {
        "$schema": DRAFT,
        "$comment": "Shared definitions of the synthetic benchmark set.",
        "$defs": {
            "Uuid": _named("Uuid", "string", format="uuid"),
            "Timestamp": _named("Timestamp", "string", format="date-time"),
            "EmailAddress": _named("EmailAddress", "string", format="email"),
            "CurrencyCode": _named("CurrencyCode", "string", pattern="^[A-Z]{3}$"),
            "Status": _named(
                "Status", "string", enum=["active", "pending", "suspended", "closed"]
            ),
            "Money": {
                "title": "Money",
                **obj,
                "description": "An amount in one currency.",
                "properties": {
                    "amount": {
                        "type": "string",
                        "pattern": "^-?[0-9]+(\\.[0-9]{1,4})?$",
                    },
                    "currency": {"$ref": "#/$defs/CurrencyCode"},
                },
                "required": ["amount", "currency"],
            },
            "Address": {
                "title": "Address",
                **obj,
                "properties": {
                    "line1": {"type": "string", "minLength": 1, "maxLength": 120},
                    "line2": {"type": ["string", "null"], "maxLength": 120},
                    "city": {"type": "string", "minLength": 1, "maxLength": 80},
                    "postal_code": {"type": "string", "pattern": "^[A-Z0-9 -]{3,10}$"},
                    "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                },
                "required": ["line1", "city", "country"],
            },
            "GeoPoint": {
                "title": "GeoPoint",
                **obj,
                "properties": {
                    "lat": {"type": "number", "minimum": -90, "maximum": 90},
                    "lon": {"type": "number", "minimum": -180, "maximum": 180},
                },
                "required": ["lat", "lon"],
            },
            "Actor": {
                "title": "Actor",
                **obj,
                "properties": {
                    "id": {"$ref": "#/$defs/Uuid"},
                    "kind": {
                        "title": "ActorKind",
                        "type": "string",
                        "enum": ["user", "service", "system"],
                    },
                    "display_name": {"type": ["string", "null"], "maxLength": 200},
                },
                "required": ["id", "kind"],
            },
        },
    }


COMMON_REFS = ("Uuid", "Timestamp", "EmailAddress", "Status", "Money", "Address")
COMMON_REFS_RARE = ("GeoPoint", "Actor", "CurrencyCode")


class _EventMaker:
    """Builds one event schema; ``title`` prefixes every title it hands out."""

    def __init__(self, rng: random.Random, title: str) -> None:
        self.rng = rng
        self.title = title
        self.defs: dict[str, Schema] = {}
        self.titles: set[str] = set()

    def new_title(self, suffix: str) -> str:
        name = self.title + pascal(suffix)
        n = 2
        while name in self.titles:
            name = f"{self.title}{pascal(suffix)}{n}"
            n += 1
        self.titles.add(name)
        return name

    def string(self) -> Schema:
        rng = self.rng
        pick = rng.randrange(4)
        if pick == 0:
            return {"type": "string", "format": rng.choice(FORMATS)}
        if pick == 1:
            return {"type": "string", "format": rng.choice(FORMATS_EXTRA)}
        if pick == 2:
            return {"type": "string", "pattern": rng.choice(PATTERNS)}
        low = rng.randint(0, 3)
        return {
            "type": "string",
            "minLength": low,
            "maxLength": low + rng.choice((16, 64, 255)),
        }

    def scalar(self) -> Schema:
        rng = self.rng
        pick = rng.randrange(6)
        if pick <= 1:
            return self.string()
        if pick == 2:
            low = rng.choice((0, 1, -100))
            return {
                "type": "integer",
                "minimum": low,
                "maximum": low + rng.choice((10, 1000, 2**31)),
            }
        if pick == 3:
            return {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": rng.choice((1, 100, 1e6)),
            }
        if pick == 4:
            return {"type": "boolean"}
        return {"type": [rng.choice(("string", "integer")), "null"]}

    def enum(self, name: str) -> Schema:
        values = self.rng.sample(ENUM_WORDS, self.rng.randint(3, 6))
        return {"title": self.new_title(name), "type": "string", "enum": values}

    def obj(self, name: str, size: int, depth: int) -> Schema:
        props: dict[str, Schema] = {}
        for stem in self.rng.sample(STEMS, size):
            if depth > 0 and self.rng.random() < 0.25:
                props[stem] = self.nested(stem, depth - 1)
            elif self.rng.random() < 0.2:
                props[stem] = self.enum(f"{name}_{stem}")
            else:
                props[stem] = self.scalar()
        required = sorted(self.rng.sample(sorted(props), max(1, size // 2)))
        return {
            "title": self.new_title(name),
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": False,
        }

    def nested(self, stem: str, depth: int) -> Schema:
        size = self.rng.randint(2, 5)
        if self.rng.random() < 0.6:
            return {
                "type": "array",
                "items": self.obj(stem + "_item", size, depth),
                "minItems": self.rng.choice((0, 1)),
                "maxItems": self.rng.choice((10, 100, 1000)),
            }
        return self.obj(stem, size, depth)

    def union(self) -> Schema:
        refs = []
        for kind in self.rng.sample(KINDS, self.rng.randint(2, 4)):
            variant = self.obj(kind + "_detail", self.rng.randint(1, 4), 0)
            variant["properties"] = {
                "kind": {"type": "string", "const": kind},
                **variant["properties"],
            }
            variant["required"] = ["kind", *variant["required"]]
            key = pascal(kind) + "Detail"
            self.defs[key] = variant
            refs.append({"$ref": f"#/$defs/{key}"})
        return {"title": self.new_title("detail"), "oneOf": refs}

    def event(self, message: str, with_union: bool) -> Schema:
        rng = self.rng
        total = rng.randint(8, 25)
        props: dict[str, Schema] = {
            "event_id": {"$ref": DEFS_REF + "Uuid"},
            "occurred_at": {"$ref": DEFS_REF + "Timestamp"},
        }
        if with_union:
            props["detail"] = self.union()
        stems = iter(rng.sample(STEMS, len(STEMS)))
        while len(props) < total:
            stem = next(stems)
            roll = rng.random()
            if roll < 0.12:
                props[stem] = self.nested(stem, 1)
            elif roll < 0.22:
                props[stem] = self.enum(stem)
            elif roll < 0.32:
                props[stem] = {"$ref": DEFS_REF + rng.choice(COMMON_REFS)}
            elif roll < 0.35:
                props[stem] = {"$ref": DEFS_REF + rng.choice(COMMON_REFS_RARE)}
            elif roll < 0.40:
                props[stem] = {
                    "type": "array",
                    "items": {"type": "string", "maxLength": 64},
                    "uniqueItems": True,
                }
            else:
                props[stem] = self.scalar()
            if rng.random() < 0.2:
                props[stem] = {
                    **props[stem],
                    "description": f"The {stem} of the event.",
                }
        optional = [name for name in props if name not in ("event_id", "occurred_at")]
        required = ["event_id", "occurred_at"]
        required += sorted(rng.sample(optional, len(optional) * 3 // 5))
        schema: Schema = {
            "$schema": DRAFT,
            "title": self.title,
            "description": f"Synthetic event {message}.",
            "x-message": {"type": message, "version": 1},
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": False,
        }
        if self.defs:
            schema["$defs"] = self.defs
        return schema


def event_names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """``count`` distinct ``(domain, name)`` pairs, in a seeded order."""
    pairs = [
        (domain, f"{noun}_{verb}")
        for domain, nouns in DOMAINS.items()
        for noun in nouns
        for verb in VERBS
    ]
    rng.shuffle(pairs)
    names = pairs[:count]
    round_ = 2
    while len(names) < count:  # more than the vocabulary: number the names
        names += [(d, f"{n}_{round_}") for d, n in pairs[: count - len(names)]]
        round_ += 1
    return names


def build_set(count: int, seed: int = 2020) -> dict[str, Schema]:
    """The synthetic set as ``{relative path: schema}``."""
    rng = random.Random(seed)
    files: dict[str, Schema] = {DEFS_FILE: common_defs()}
    for index, (domain, name) in enumerate(event_names(count, rng)):
        maker = _EventMaker(rng, pascal(domain) + pascal(name))
        schema = maker.event(f"{domain}.{name}", with_union=index % 3 == 0)
        files[f"events/{domain}/{name}.v1.json"] = schema
    return files


def write_set(root: Path, count: int, seed: int = 2020) -> list[Path]:
    """Write the set below ``root`` and return the files written."""
    written = []
    for rel, schema in build_set(count, seed).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def _titles(node: Any, found: list[str]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("title"), str):
            found.append(node["title"])
        for key, value in node.items():
            if key not in ("enum", "const", "default", "x-message"):
                _titles(value, found)
    elif isinstance(node, list):
        for item in node:
            _titles(item, found)


def selfcheck(root: Path) -> list[str]:
    """Problems with a written set: invalid schemas, dangling refs, repeated titles."""
    from jsonschema import (  # type: ignore[import-untyped, unused-ignore]
        Draft202012Validator,
    )
    from jsonschema.exceptions import (  # type: ignore[import-untyped, unused-ignore]
        SchemaError,
    )
    from referencing import Registry, Resource
    from referencing.exceptions import Unresolvable

    problems: list[str] = []
    docs = {
        p.relative_to(root).as_posix(): json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(root.rglob("*.json"))
    }
    registry: Registry[Any] = Registry().with_resources(
        (f"file:///set/{rel}", Resource.from_contents(doc)) for rel, doc in docs.items()
    )
    titles: list[str] = []
    for rel, doc in docs.items():
        try:
            Draft202012Validator.check_schema(doc)
        except SchemaError as exc:
            problems.append(f"{rel}: not a valid schema: {exc.message}")
        _titles(doc, titles)
        resolver = registry.resolver(base_uri=f"file:///set/{rel}")
        for ref in _refs(doc):
            try:
                resolver.lookup(ref)
            except Unresolvable as exc:
                problems.append(f"{rel}: $ref {ref} does not resolve: {exc!r}")
        if rel != DEFS_FILE and doc.get("additionalProperties") is not False:
            problems.append(f"{rel}: root lacks additionalProperties: false")
    seen: set[str] = set()
    for title in titles:
        if title in seen:
            problems.append(f"title {title} is used more than once")
        seen.add(title)
    return problems


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []
