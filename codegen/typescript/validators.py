"""Precompiled accept-checks for the Node package: JavaScript written at generation.

The runtime validates with Ajv, which compiles a contract's schemas on its first use:
tens of milliseconds per contract in a fresh process (issue #14 (b)). Ajv's standalone
mode would move that compile to generation, but it takes seconds per hundred schemas
in a Node process and writes about 48 KB of code per schema (measured: 9-22 s and
9.7 MB for 200 synthetic schemas), against issue #15's 3 s for 1,000 schemas.

This module writes, in Python and in milliseconds, one small JavaScript function per
schema location a contract reaches: it answers whether a value is *certainly* valid.
It is sound: it returns true only when Ajv, configured as the runtime configures it,
would accept the value. On values JSON text makes it is exact as well; on others it
may return false where Ajv accepts (an inherited enumerable property, NaN).
The runtime runs it first: true is the answer
(a valid message never compiles a schema); false hands the value to Ajv, compiled on
first use as before, which gives the verdict and every violation. So verdicts,
violation text, formats, decimal ``multipleOf``, patterns (the same engines) and limits
are the runtime's, by construction.

A contract gets a function only when every keyword it reaches is one modelled here
(types, numbers, strings, ``format``, ``pattern``, objects, arrays with ``items``
and ``uniqueItems`` (of scalars),
``enum``, ``const``, ``$ref``, ``allOf``, ``anyOf``, a ``oneOf`` that carries
the bundle's ``discriminator``, ``propertyNames``, ``dependentRequired``), in draft
2020-12 files; any other keyword (``not``, ``if``, ``patternProperties``,
``unevaluated*``, a plain ``oneOf``...) leaves the contract to Ajv
alone. tests/test_precompiled.py checks soundness on every sample and the fuzz corpus.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from codegen.compiler import ir

# Keywords that assert nothing (annotations, and what only a $ref reads).
_INERT = frozenset(
    {
        "$schema", "$id", "$defs", "$comment", "title", "description", "default",
        "examples", "deprecated", "readOnly", "writeOnly", "contentEncoding",
        "contentMediaType", "contentSchema", "format", "$anchor", "definitions",
    }
)  # fmt: skip
# Keywords of either draft that this module does not model: a contract reaching one
# is left to Ajv.
_UNMODELLED = frozenset(
    {
        "not", "if", "then", "else", "patternProperties", "dependentSchemas",
        "dependencies", "prefixItems", "additionalItems", "contains", "minContains",
        "maxContains", "unevaluatedItems", "unevaluatedProperties",
        "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor",
        "$vocabulary", "oneOf", "nullable",
    }
)  # fmt: skip
# The formats the runtime asserts (FORMATS in runtime/node/src/_formats.ts); any
# other is an annotation there, and here.
FORMATS = frozenset(
    {
        "date", "date-time", "duration", "email", "hostname", "idn-email",
        "idn-hostname", "ipv4", "ipv6", "iri", "iri-reference", "json-pointer",
        "regex", "relative-json-pointer", "time", "uri", "uri-reference",
        "uri-template", "uuid",
    }
)  # fmt: skip
_TYPES = {
    "string": 'typeof {x} === "string"',
    "number": 'typeof {x} === "number" && isFinite({x})',
    "integer": "Number.isInteger({x})",
    "boolean": 'typeof {x} === "boolean"',
    "null": "{x} === null",
    "object": '{x} !== null && typeof {x} === "object" && !Array.isArray({x})',
    "array": "Array.isArray({x})",
}


class Unmodelled(Exception):
    """A keyword or reference outside this module's model: Ajv alone."""


# The schema files one ``_checks`` module may reach, its own included. Each module
# holds the functions of every location its contracts reach, so without a bound a
# reference chain through N files writes O(N) functions into each of N modules:
# O(N^2) (a 200-file chain: 63,000 functions, 13 s). A contract reaching more
# files is left to Ajv, and the work spent finding that out is bounded too.
MAX_FILES = 8


def _lit(value: Any) -> str:
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, bool, int, float))


class _Module:
    """The functions of one generated module: one per schema location reached."""

    def __init__(self, bundles: dict[str, ir.Bundle]) -> None:
        self.bundles = bundles  # by uri without "#"
        self.names: dict[tuple[str, str], str] = {}
        self.code: list[str] = []
        self.patterns: dict[str, str] = {}
        self.constants: dict[str, str] = {}
        self.used_formats: set[str] = set()
        self.files: set[str] = set()
        self.vars = 0

    def location(self, uri: str, pointer: str) -> str:
        """The function for the schema at ``uri#pointer`` (written once)."""
        key = (uri, pointer)
        if key in self.names:
            return self.names[key]
        bundle = self.bundles.get(uri)
        if bundle is None or bundle.draft != "2020-12":
            raise Unmodelled(f"{uri}: not a draft 2020-12 file of the package")
        if uri not in self.files:
            if len(self.files) >= MAX_FILES:
                raise Unmodelled(f"{uri}: references reach over {MAX_FILES} files")
            self.files.add(uri)
        schema: Any = bundle.schema
        for token in pointer.split("/")[1:] if pointer else []:
            token = unquote(token).replace("~1", "/").replace("~0", "~")
            if isinstance(schema, dict) and token in schema:
                schema = schema[token]
            elif (
                isinstance(schema, list)
                and token.isdigit()
                and int(token) < len(schema)
            ):
                schema = schema[int(token)]
            else:
                raise Unmodelled(f"{uri}#{pointer}: no such location")
        name = f"v{len(self.names)}"
        self.names[key] = name
        body: list[str] = []
        self.check(schema, "x", uri, pointer, body, "  ")
        self.code.append(
            f"function {name}(x) {{\n" + "\n".join(body) + "\n  return true;\n}"
        )
        return name

    def var(self) -> str:
        self.vars += 1
        return f"y{self.vars}"

    def constant(self, value: Any) -> str:
        """A hoisted JSON value (parsed from text: a "__proto__" key stays a key)."""
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        if text not in self.constants:
            self.constants[text] = f"c{len(self.constants)}"
        return self.constants[text]

    def pattern(self, source: str) -> str:
        if source not in self.patterns:
            self.patterns[source] = f"p{len(self.patterns)}"
        return self.patterns[source]

    def check(
        self, schema: Any, x: str, uri: str, at: str, out: list[str], ind: str
    ) -> None:
        """Statements that return false unless ``x`` is certainly valid."""
        if schema is True or schema == {}:
            return
        if schema is False:
            out.append(f"{ind}return false;")
            return
        if not isinstance(schema, dict):
            raise Unmodelled(f"{uri}#{at}: not a schema")
        for key in schema:
            if key in _UNMODELLED and not (
                key == "oneOf" and "discriminator" in schema
            ):
                raise Unmodelled(f"{uri}#{at}: {key}")
        if "$ref" in schema:
            target = str(schema["$ref"])
            base, _, fragment = target.partition("#")
            if fragment and not fragment.startswith("/"):
                raise Unmodelled(f"{uri}#{at}: $ref to an anchor")
            out.append(
                f"{ind}if (!{self.location(base or uri, fragment)}({x})) return false;"
            )
        types = schema.get("type")
        if types is not None:
            names = [types] if isinstance(types, str) else list(types)
            if not names or any(t not in _TYPES for t in names):
                raise Unmodelled(f"{uri}#{at}: type {types!r}")
            test = " || ".join(f"({_TYPES[t].format(x=x)})" for t in names)
            out.append(f"{ind}if (!({test})) return false;")
        for key in ("enum", "const"):
            if key not in schema:
                continue
            values = schema[key] if key == "enum" else [schema[key]]
            if not isinstance(values, list):
                raise Unmodelled(f"{uri}#{at}: {key}")
            tests = [
                f"{x} === {_lit(v)}"
                if _scalar(v)
                else f"$.equal({x}, {self.constant(v)})"
                for v in values
            ]
            test = " || ".join(tests) or "false"
            out.append(f"{ind}if (!({test})) return false;")
        self.numbers(schema, x, out, ind)
        self.strings(schema, x, uri, at, out, ind)
        self.objects(schema, x, uri, at, out, ind)
        if any(k in schema for k in ("items", "minItems", "maxItems", "uniqueItems")):
            out.append(f"{ind}if (Array.isArray({x})) {{")
            if schema.get("uniqueItems") is True:
                out.append(f"{ind}  if (!$.unique({x})) return false;")
            if "minItems" in schema:
                out.append(
                    f"{ind}  if ({x}.length < {int(schema['minItems'])}) return false;"
                )
            if "maxItems" in schema:
                out.append(
                    f"{ind}  if ({x}.length > {int(schema['maxItems'])}) return false;"
                )
            if "items" in schema:
                if not isinstance(schema["items"], (dict, bool)):
                    raise Unmodelled(f"{uri}#{at}: items as a list")
                n, y = self.var(), self.var()
                out.append(f"{ind}  for (let {n} = 0; {n} < {x}.length; {n}++) {{")
                out.append(f"{ind}    const {y} = {x}[{n}];")
                self.check(schema["items"], y, uri, f"{at}/items", out, ind + "    ")
                out.append(f"{ind}  }}")
            out.append(f"{ind}}}")
        for i, member in enumerate(schema.get("allOf", [])):
            self.check(member, x, uri, f"{at}/allOf/{i}", out, ind)
        if "anyOf" in schema:
            calls = [
                f"{self.location(uri, f'{at}/anyOf/{i}')}({x})"
                for i in range(len(schema["anyOf"]))
            ]
            out.append(f"{ind}if (!({' || '.join(calls) or 'false'})) return false;")
        if "oneOf" in schema:
            self.tagged(schema, x, uri, at, out, ind)

    def numbers(self, schema: dict[str, Any], x: str, out: list[str], ind: str) -> None:
        tests = []
        for key, op in (
            ("minimum", ">="),
            ("maximum", "<="),
            ("exclusiveMinimum", ">"),
            ("exclusiveMaximum", "<"),
        ):
            if key in schema:
                bound = schema[key]
                if not isinstance(bound, (int, float)) or isinstance(bound, bool):
                    raise Unmodelled(key)
                tests.append(f"!({x} {op} {_lit(bound)})")
        if "multipleOf" in schema:
            tests.append(f"!$.isMultiple({x}, {_lit(schema['multipleOf'])})")
        if tests:
            out.append(
                f'{ind}if (typeof {x} === "number" && ({" || ".join(tests)}))'
                " return false;"
            )

    def strings(
        self,
        schema: dict[str, Any],
        x: str,
        uri: str,
        at: str,
        out: list[str],
        ind: str,
    ) -> None:
        tests = []
        if "minLength" in schema:
            n = int(schema["minLength"])
            tests.append(f"({x}.length < {2 * n} && $.length({x}) < {n})")
        if "maxLength" in schema:
            n = int(schema["maxLength"])
            tests.append(f"({x}.length > {n} && $.length({x}) > {n})")
        if isinstance(schema.get("pattern"), str):
            tests.append(f"!{self.pattern(schema['pattern'])}.test({x})")
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt in FORMATS:
            self.used_formats.add(fmt)
            tests.append(f"!$.formats[{_lit(fmt)}]({x})")
        if tests:
            out.append(
                f'{ind}if (typeof {x} === "string" && ({" || ".join(tests)}))'
                " return false;"
            )

    def objects(
        self,
        schema: dict[str, Any],
        x: str,
        uri: str,
        at: str,
        out: list[str],
        ind: str,
    ) -> None:
        keys = ("properties", "required", "additionalProperties", "propertyNames",
                "minProperties", "maxProperties", "dependentRequired")  # fmt: skip
        if not any(k in schema for k in keys):
            return
        obj = _TYPES["object"].format(x=x)
        out.append(f"{ind}if ({obj}) {{")
        inner = ind + "  "
        props = schema.get("properties", {})
        if not isinstance(props, dict) or "__proto__" in props:
            raise Unmodelled(f"{uri}#{at}: properties")
        for name in schema.get("required", []):
            out.append(f"{inner}if (!$.has({x}, {_lit(name)})) return false;")
        for name, needs in schema.get("dependentRequired", {}).items():
            test = " || ".join(f"!$.has({x}, {_lit(n)})" for n in needs) or "false"
            out.append(
                f"{inner}if ($.has({x}, {_lit(name)}) && ({test})) return false;"
            )
        for key, op in (("minProperties", "<"), ("maxProperties", ">")):
            if key in schema:
                out.append(
                    f"{inner}if (Object.keys({x}).length {op} {int(schema[key])})"
                    " return false;"
                )
        for name, sub in props.items():
            if sub is True or sub == {}:
                continue
            y = self.var()
            out.append(f"{inner}if ($.has({x}, {_lit(name)})) {{")
            out.append(f"{inner}  const {y} = {x}[{_lit(name)}];")
            pointer = f"{at}/properties/{name.replace('~', '~0').replace('/', '~1')}"
            self.check(sub, y, uri, pointer, out, inner + "  ")
            out.append(f"{inner}}}")
        extra = schema.get("additionalProperties", True)
        names = schema.get("propertyNames", True)
        if extra is True and names is True:
            out.append(f"{ind}}}")
            return
        k = self.var()
        out.append(f"{inner}for (const {k} in {x}) {{")
        if names is not True:
            self.check(names, k, uri, f"{at}/propertyNames", out, inner + "  ")
        if extra is not True:
            known = " || ".join(f"{k} === {_lit(n)}" for n in props)
            if known:
                out.append(f"{inner}  if ({known}) continue;")
            if extra is False:
                out.append(f"{inner}  return false;")
            else:
                y = self.var()
                out.append(f"{inner}  const {y} = {x}[{k}];")
                self.check(
                    extra, y, uri, f"{at}/additionalProperties", out, inner + "  "
                )
        out.append(f"{inner}}}")
        out.append(f"{ind}}}")

    def tagged(
        self,
        schema: dict[str, Any],
        x: str,
        uri: str,
        at: str,
        out: list[str],
        ind: str,
    ) -> None:
        """A oneOf with Ajv's discriminator: the branch the tag names decides."""
        disc = schema.get("discriminator")
        tag = disc.get("propertyName") if isinstance(disc, dict) else None
        if not isinstance(tag, str):
            raise Unmodelled(f"{uri}#{at}: oneOf")
        branches: list[tuple[str, str]] = []
        for i, member in enumerate(schema["oneOf"]):
            value = self.tag_value(member, tag, uri)
            branches.append((value, self.location(uri, f"{at}/oneOf/{i}")))
        if len({v for v, _ in branches}) != len(branches):
            raise Unmodelled(f"{uri}#{at}: tags repeat")
        t = self.var()
        out.append(f"{ind}{{")
        out.append(
            f"{ind}  const {t} = {_TYPES['object'].format(x=x)}"
            f" ? {x}[{_lit(tag)}] : undefined;"
        )
        tests = " || ".join(f"({t} === {_lit(v)} && {f}({x}))" for v, f in branches)
        out.append(f"{ind}  if (!({tests})) return false;")
        out.append(f"{ind}}}")

    def tag_value(self, member: Any, tag: str, uri: str) -> str:
        """The string a branch fixes its tag to (through one $ref), as Ajv reads it."""
        seen = 0
        while isinstance(member, dict) and "$ref" in member and seen < 20:
            base, _, fragment = str(member["$ref"]).partition("#")
            bundle = self.bundles.get(base or uri)
            if bundle is None or (fragment and not fragment.startswith("/")):
                raise Unmodelled("discriminator branch")
            member = bundle.schema
            for token in fragment.split("/")[1:] if fragment else []:
                token = unquote(token).replace("~1", "/").replace("~0", "~")
                member = member.get(token) if isinstance(member, dict) else None
            seen += 1
        prop = (
            member.get("properties", {}).get(tag) if isinstance(member, dict) else None
        )
        if isinstance(prop, dict) and isinstance(prop.get("const"), str):
            return str(prop["const"])
        if (
            isinstance(prop, dict)
            and isinstance(prop.get("enum"), list)
            and len(prop["enum"]) == 1
        ):
            return str(prop["enum"][0])
        raise Unmodelled("discriminator branch")


def checks_file(
    by_uri: dict[str, ir.Bundle], by_path: dict[str, ir.Bundle], contracts: list[str]
) -> str | None:
    """The ``_checks/<file>.cjs`` of one schema file's contracts (ids), or None when
    none is modelled. Bundles by uri (without "#") and by path. CommonJS, so that the
    runtime loads it synchronously on the first validation of one of its contracts,
    and a package import reads none of them."""
    module = _Module(by_uri)
    checks: dict[str, str] = {}
    for contract in contracts:
        path, _, pointer = contract.partition("#")
        bundle = by_path.get(path)
        if bundle is None:
            continue
        saved = (
            dict(module.names), list(module.code), dict(module.patterns),
            dict(module.constants), set(module.files), module.vars,
        )  # fmt: skip
        try:
            checks[contract] = module.location(bundle.uri.rstrip("#"), pointer)
        except (Unmodelled, RecursionError):
            (
                module.names,
                module.code,
                module.patterns,
                module.constants,
                module.files,
                module.vars,
            ) = saved
    if not checks:
        return None
    lines = [
        "// Generated by `contracts generate`. Do not edit.",
        "// Precompiled accept-checks (codegen/typescript/validators.py): true only",
        "// for a value the contract accepts; the runtime gives any other to Ajv.",
        '"use strict";',
        "module.exports = ($) => {",
    ]
    lines += [
        f"const {name} = $.pattern({_lit(source)});"
        for source, name in module.patterns.items()
    ]
    lines += [
        f"const {name} = JSON.parse({_lit(text)});"
        for text, name in module.constants.items()
    ]
    lines += module.code
    lines.append("return {")
    lines += [f"  {_lit(contract)}: {name}," for contract, name in checks.items()]
    lines += ["};", "};", ""]
    return "\n".join(lines)


def checks_path(schema_path: str) -> str:
    """Where the checks of a schema file are, below the package."""
    return f"_checks/{schema_path}.cjs"
