"""Precompiled validators for the Node package: JavaScript written at generation.

The runtime validates with Ajv, which compiles a contract's schemas on its first use:
tens of milliseconds per contract in a fresh process, seconds for a large union
(issue #14 (b)). Ajv's standalone mode would move that compile to generation, but it
takes seconds per hundred schemas in a Node process and writes about 48 KB of code
per schema (measured: 9-22 s and 9.7 MB for 200 synthetic schemas), against issue
#15's 3 s for 1,000 schemas.

This module writes, in Python and in milliseconds, one small JavaScript function per
schema location a contract reaches, ``v(x, p, E)``. Without ``E`` it answers whether
``x`` is valid, and returns at the first failure. With an array ``E`` it pushes, for
an invalid ``x`` at instance path ``p``, the error objects Ajv (configured as the
runtime configures it, ``allErrors``) reports: the same keyword, instancePath,
params, message and propertyName, so the runtime's wording (_violations.ts) and its
union report (_unions.ts) turn them into the same text. Order is not kept (the
wording sorts). So an invalid message is explained without Ajv too; formats, decimal
``multipleOf`` and patterns are the runtime's own functions, by construction.

The keywords modelled (check_keywords.py, check_applicators.py): every assertion and
applicator of draft 2020-12 and draft-07 except ``unevaluatedProperties``,
``unevaluatedItems``, ``$dynamicRef``/``$dynamicAnchor`` (and 2019's
``$recursive*``), references to anchors and to ``$id``s inside a file, a
``__proto__`` property, ``nullable``, and ``anyOf``/``oneOf``/``not``/``if``
inside ``propertyNames``: a contract reaching one is left to Ajv, as is a
contract whose references cross drafts or reach more than MAX_FILES files.
tests/test_precompiled.py compares verdicts and violations with Ajv's on every
sample, the golden cases and mutations of them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from codegen.compiler import ir
from codegen.typescript.check_applicators import Applicators
from codegen.typescript.check_keywords import FORMATS, Unmodelled, lit

__all__ = [
    "FORMATS",
    "MAX_FILES",
    "Unmodelled",
    "checks_file",
    "checks_path",
    "modelled",
]

# The schema files one ``_checks`` module may reach, its own included. Each module
# holds the functions of every location its contracts reach, so without a bound a
# reference chain through N files writes O(N) functions into each of N modules:
# O(N^2) (a 200-file chain: 63,000 functions, 13 s). A contract reaching more
# files is left to Ajv, and the work spent finding that out is bounded too.
MAX_FILES = 8


def _token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


class _Module(Applicators):
    """The functions of one generated module: one per schema location reached."""

    def __init__(self, bundles: dict[str, ir.Bundle], draft: str = "2020-12") -> None:
        self.bundles = bundles  # by uri without "#"
        self.draft = draft
        self.names: dict[tuple[str, str], str] = {}
        self.code: list[str] = []
        self.patterns: dict[str, str] = {}
        self.constants: dict[str, str] = {}
        self.files: set[str] = set()
        self.vars = 0

    def state(self) -> tuple[Any, ...]:
        return (
            dict(self.names), list(self.code), dict(self.patterns),
            dict(self.constants), set(self.files), self.vars,
        )  # fmt: skip

    def restore(self, saved: tuple[Any, ...]) -> None:
        (
            self.names, self.code, self.patterns,
            self.constants, self.files, self.vars,
        ) = saved  # fmt: skip

    def resolve(self, uri: str, pointer: str) -> Any:
        """The schema at ``uri#pointer`` (a JSON pointer, not URI-encoded)."""
        bundle = self.bundles.get(uri)
        if bundle is None or bundle.draft != self.draft:
            raise Unmodelled(f"{uri}: not a {self.draft} file of the package")
        if bundle.engine != "ajv":
            raise Unmodelled(f"{uri}: validated by {bundle.engine}, not Ajv")
        schema: Any = bundle.schema
        for token in map(_token, pointer.split("/")[1:] if pointer else []):
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
        return schema

    def target(self, ref: Any, uri: str) -> tuple[str, str]:
        base, _, fragment = str(ref).partition("#")
        if fragment and not fragment.startswith("/"):
            raise Unmodelled(f"{uri}: $ref to an anchor")
        return base or uri, unquote(fragment)

    def location(self, uri: str, pointer: str) -> str:
        """The function for the schema at ``uri#pointer`` (written once)."""
        key = (uri, pointer)
        if key in self.names:
            return self.names[key]
        schema = self.resolve(uri, pointer)
        if uri not in self.files:
            if len(self.files) >= MAX_FILES:
                raise Unmodelled(f"{uri}: references reach over {MAX_FILES} files")
            self.files.add(uri)
        name = f"v{len(self.names)}"
        self.names[key] = name
        body: list[str] = []
        self.check(schema, "x", "p", uri, pointer, body, "  ", None)
        if body:
            self.code.append(
                f"function {name}(x, p, E) {{\n"
                "  const N = E === undefined ? 0 : E.length;\n"
                + "\n".join(body)
                + "\n  return E === undefined || E.length === N;\n}"
            )
        else:
            self.code.append(f"function {name}() {{\n  return true;\n}}")
        return name

    def var(self) -> str:
        self.vars += 1
        return f"y{self.vars}"

    def constant(self, value: Any) -> str:
        """A hoisted JSON value (parsed from text: a "__proto__" key stays a key)."""
        text = lit(value, sort_keys=True)
        if text not in self.constants:
            self.constants[text] = f"c{len(self.constants)}"
        return self.constants[text]

    def pattern(self, source: str) -> str:
        if source not in self.patterns:
            self.patterns[source] = f"p{len(self.patterns)}"
        return self.patterns[source]


def modelled(
    by_uri: dict[str, ir.Bundle], by_path: dict[str, ir.Bundle], contracts: list[str]
) -> tuple[_Module | None, dict[str, str]]:
    """The module of one schema file's contracts (None when none is modelled), and
    why each contract left to Ajv is (the first Unmodelled it meets)."""
    first = by_path.get(contracts[0].partition("#")[0]) if contracts else None
    if first is None:
        return None, {}
    module = _Module(by_uri, first.draft)
    reasons: dict[str, str] = {}
    for contract in contracts:
        path, _, pointer = contract.partition("#")
        bundle = by_path.get(path)
        if bundle is None:
            continue
        saved = module.state()
        try:
            module.location(bundle.uri.rstrip("#"), pointer)
        except Unmodelled as exc:
            module.restore(saved)
            reasons[contract] = str(exc)
        except RecursionError:
            module.restore(saved)
            reasons[contract] = "nested deeper than Python's recursion limit"
    return (module if module.names else None), reasons


def checks_file(
    by_uri: dict[str, ir.Bundle], by_path: dict[str, ir.Bundle], contracts: list[str]
) -> str | None:
    """The ``_checks/<file>.cjs`` of one schema file's contracts (ids), or None when
    none is modelled. Bundles by uri (without "#") and by path. CommonJS, so that the
    runtime loads it synchronously on the first validation of one of its contracts,
    and a package import reads none of them. It exports every location it holds,
    by "<path>#<JSON pointer>": the contracts and the branches of their unions, which
    the runtime's union report validates apart."""
    module, _ = modelled(by_uri, by_path, contracts)
    if module is None:
        return None
    lines = [
        "// Generated by `contracts generate`. Do not edit.",
        "// Precompiled validators (codegen/typescript/validators.py): v(x) is",
        "// whether x is valid; v(x, path, errors) pushes Ajv's errors of an",
        "// invalid x.",
        '"use strict";',
        "module.exports = ($) => {",
    ]
    lines += [
        f"const {name} = $.pattern({lit(source)});"
        for source, name in module.patterns.items()
    ]
    lines += [
        f"const {name} = JSON.parse({lit(text)});"
        for text, name in module.constants.items()
    ]
    lines += module.code
    lines.append("return {")
    lines += [
        f"  {lit(by_uri[uri].path + '#' + pointer)}: {name},"
        for (uri, pointer), name in module.names.items()
    ]
    lines += ["};", "};", ""]
    return "\n".join(lines)


def checks_path(schema_path: str) -> str:
    """Where the checks of a schema file are, below the package."""
    return f"_checks/{schema_path}.cjs"
