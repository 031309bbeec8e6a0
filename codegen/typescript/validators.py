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
``multipleOf`` and patterns are the runtime's own functions, by construction. The
function of a union's branch also asks ``$.recall`` before collecting errors and tells
``$.keep`` after: while one message is worded, the runtime remembers a branch's errors
per value (_precompiled.ts), which the union report asks for again.

The keywords modelled (check_keywords.py, check_applicators.py): every assertion and
applicator of draft 2020-12 and draft-07 except ``unevaluatedProperties``,
``unevaluatedItems``, ``$dynamicRef``/``$dynamicAnchor`` (and 2019's
``$recursive*``), references to anchors and to ``$id``s inside a file, a
``__proto__`` property, ``nullable``, and ``anyOf``/``oneOf``/``not``/``if``
inside ``propertyNames``: a contract reaching one is left to Ajv, as is a
contract whose references cross drafts.

Each location's function is written once, in the module of the schema file that
holds it, ``_checks/<file>.cjs``, whatever contract reaches it; a reference to
another file's location goes through ``$.ref``, which reads that module on the
first call. So the output grows with the number of locations, not with how many
files reach each one (a per-file copy of everything reached made a 200-file
reference chain write 63,000 functions).
tests/test_precompiled.py compares verdicts and violations with Ajv's on every
sample, the golden cases and mutations of them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from codegen.compiler import ir
from codegen.typescript.check_applicators import Applicators
from codegen.typescript.check_keywords import FORMATS, Unmodelled, lit

__all__ = [
    "FORMATS",
    "Unmodelled",
    "checks_files",
    "checks_path",
    "functions_path",
    "modelled",
]

Key = tuple[str, str]  # (uri without "#", JSON pointer)
# What fails a schema for sure (_Package.doom): a value that is no object, if True;
# an object without one of these properties; or whose property's value is none of
# those strings.
Doom = tuple[bool, list[str], dict[str, list[str]]]


def _token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _branch(pointer: str) -> bool:
    """Whether a location is a branch of an anyOf or a oneOf."""
    tokens = pointer.split("/")
    return (
        len(tokens) >= 3 and tokens[-2] in ("anyOf", "oneOf") and tokens[-1].isdigit()
    )


@dataclass
class _File:
    """What one ``_checks`` module holds."""

    path: str
    names: dict[str, str] = field(default_factory=dict)  # pointer -> function
    code: dict[str, str] = field(default_factory=dict)  # function -> its text
    patterns: dict[str, str] = field(default_factory=dict)  # source -> constant
    constants: dict[str, str] = field(default_factory=dict)  # JSON -> constant
    refs: dict[str, str] = field(default_factory=dict)  # "path#pointer" -> const
    params: dict[str, str] = field(default_factory=dict)  # literal -> constant


class _Package(Applicators):
    """Every location the contracts reach, each written once, by file."""

    def __init__(self, bundles: dict[str, ir.Bundle]) -> None:
        self.bundles = bundles  # by uri without "#"
        self.files: dict[str, _File] = {}
        self.queue: deque[Key] = deque()
        self.deps: dict[Key, set[Key]] = {}
        self.bad: dict[Key, str] = {}
        self.draft = "2020-12"
        self.uri = ""
        self.here: Key = ("", "")
        self.current = _File("")
        self.vars = 0

    def file(self, uri: str) -> _File:
        if uri not in self.files:
            self.files[uri] = _File(self.bundles[uri].path)
        return self.files[uri]

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

    def want(self, uri: str, pointer: str) -> str:
        """The function name of a location, queued for writing if new."""
        file = self.file(uri)
        if pointer not in file.names:
            file.names[pointer] = f"v{len(file.names)}"
            self.queue.append((uri, pointer))
        return file.names[pointer]

    def location(self, uri: str, pointer: str) -> str:
        """What the location being written calls for the schema at ``uri#pointer``:
        a function of its own module, or a reference into another file's."""
        bundle = self.bundles.get(uri)
        if bundle is None or bundle.draft != self.draft:
            raise Unmodelled(f"{uri}: not a {self.draft} file of the package")
        self.deps[self.here].add((uri, pointer))
        name = self.want(uri, pointer)
        if uri == self.uri:
            return name
        refs = self.current.refs
        key = f"{bundle.path}#{pointer}"
        if key not in refs:
            refs[key] = f"r{len(refs)}"
        return refs[key]

    def write(self, key: Key) -> None:
        """Writes the function of one location, or records why it is left to Ajv."""
        uri, pointer = key
        file = self.file(uri)
        name = file.names[pointer]
        self.uri, self.here, self.current, self.vars = uri, key, file, 0
        self.draft = self.bundles[uri].draft
        self.deps[key] = set()
        saved = (
            dict(file.patterns), dict(file.constants), dict(file.refs),
            dict(file.params),
        )  # fmt: skip
        body: list[str] = []
        try:
            schema = self.resolve(uri, pointer)
            self.check(schema, "x", "p", uri, pointer, body, "  ", None)
        except (Unmodelled, RecursionError) as exc:
            reason = str(exc) if isinstance(exc, Unmodelled) else "nested too deep"
            self.bad[key] = reason
            file.patterns, file.constants, file.refs, file.params = saved
            return
        if body and _branch(pointer):
            # A union's branch: the union report asks for its errors apart, on a
            # value the contract's own validation often tried it on already, so
            # they are remembered per value while one message is worded.
            recall = f"$.recall({name}, x, p, E)"
            file.code[name] = (
                f"function {name}(x, p, E) {{\n"
                "  const N = E === undefined ? 0 : E.length;\n"
                f"  const R = E === undefined ? undefined : {recall};\n"
                "  if (R !== undefined) return R;\n"
                + "\n".join(body)
                + f"\n  return E === undefined || $.keep({name}, x, p, E, N);\n}}"
            )
        elif body:
            file.code[name] = (
                f"function {name}(x, p, E) {{\n"
                "  const N = E === undefined ? 0 : E.length;\n"
                + "\n".join(body)
                + "\n  return E === undefined || E.length === N;\n}"
            )
        else:
            file.code[name] = f"function {name}() {{\n  return true;\n}}"

    def run(self) -> None:
        """Writes every queued location; then leaves to Ajv each one that reaches
        one left to Ajv."""
        while self.queue:
            self.write(self.queue.popleft())
        callers: dict[Key, list[Key]] = {}
        for key, deps in self.deps.items():
            for dep in deps:
                callers.setdefault(dep, []).append(key)
        stack = list(self.bad)
        while stack:
            key = stack.pop()
            for caller in callers.get(key, []):
                if caller not in self.bad:
                    self.bad[caller] = self.bad[key]
                    stack.append(caller)

    def var(self) -> str:
        self.vars += 1
        return f"y{self.vars}"

    def constant(self, value: Any) -> str:
        """A hoisted JSON value (parsed from text: a "__proto__" key stays a key)."""
        constants = self.current.constants
        text = lit(value, sort_keys=True)
        if text not in constants:
            constants[text] = f"c{len(constants)}"
        return constants[text]

    def pattern(self, source: str) -> str:
        patterns = self.current.patterns
        if source not in patterns:
            patterns[source] = f"p{len(patterns)}"
        return patterns[source]

    def hoisted(self, params: str) -> str:
        found = self.current.params
        if params not in found:
            found[params] = f"e{len(found)}"
        return found[params]

    def doom(self, uri: str, pointer: str, depth: int = 0) -> Doom:
        """What fails the location's schema for sure: whether a value that is no
        object does (its "type" is "object"); for an object, a property missing of
        those it requires, or one whose value is none of the strings its
        "properties" fix it to ("const", "enum"); through "$ref", "allOf" and what
        every member of a union asks. A lazy function's stub answers false from
        these without compiling it (_LAZY): a union's branch that the value cannot
        match costs no compile."""
        try:
            schema = self.resolve(uri, pointer)
        except Unmodelled:
            return False, [], {}
        if not isinstance(schema, dict) or depth > 16:
            return False, [], {}
        parts: list[Doom] = []
        if isinstance(schema.get("$ref"), str):
            try:
                parts.append(self.doom(*self.target(schema["$ref"], uri), depth + 1))
            except Unmodelled:
                pass
            if self.draft == "7":
                return parts[0] if parts else (False, [], {})
        required = schema.get("required")
        if not isinstance(required, list) or not all(
            isinstance(k, str) for k in required
        ):
            required = []
        tags: dict[str, list[str]] = {}
        props = schema.get("properties")
        for prop, sub in props.items() if isinstance(props, dict) else ():
            if not isinstance(sub, dict) or "$ref" in sub:
                continue
            fixed = [sub["const"]] if "const" in sub else sub.get("enum")
            if isinstance(fixed, list) and all(isinstance(v, str) for v in fixed):
                tags[prop] = fixed
        parts.append((schema.get("type") in ("object", ["object"]), required, tags))
        for i in range(len(schema.get("allOf", []))):
            parts.append(self.doom(uri, f"{pointer}/allOf/{i}", depth + 1))
        for word in ("anyOf", "oneOf"):
            members = [
                self.doom(uri, f"{pointer}/{word}/{i}", depth + 1)
                for i in range(len(schema.get(word, [])))
            ]
            if members:
                # every member fails: what each one fails for
                first, rest = members[0], members[1:]
                keys = [k for k in first[1] if all(k in m[1] for m in rest)]
                union = {
                    k: list(dict.fromkeys(v for m in members for v in m[2][k]))
                    for k in first[2]
                    if all(k in m[2] for m in rest)
                }
                parts.append((all(m[0] for m in members), keys, union))
        # any part fails: what any one fails for
        out: dict[str, list[str]] = {}
        for part in parts:
            for k, values in part[2].items():
                out[k] = [v for v in out[k] if v in values] if k in out else values
        keys = list(dict.fromkeys(k for part in parts for k in part[1]))
        return any(part[0] for part in parts), keys, out

    def text(self, uri: str) -> tuple[str, str | None] | None:
        """The module of one file, its locations not left to Ajv, and, when their
        functions are compiled on first call (see LAZY_BYTES), the text of those
        functions; or None."""
        file = self.files[uri]
        good = [
            (pointer, name)
            for pointer, name in file.names.items()
            if (uri, pointer) not in self.bad and name in file.code
        ]
        if not good:
            return None
        lines = [
            "// Generated by `contracts generate`. Do not edit.",
            "// Precompiled validators (codegen/typescript/validators.py): v(x) is",
            "// whether x is valid; v(x, path, errors) pushes Ajv's errors of an",
            "// invalid x.",
            '"use strict";',
        ]
        late = ["$", *file.patterns.values(), *file.refs.values()]
        lines.append(f"let {', '.join(late)};")
        lines += [
            f"const {n} = JSON.parse({lit(t)});" for t, n in file.constants.items()
        ]
        lines += [f"const {n} = {t};" for t, n in file.params.items()]
        names = [name for _, name in good]
        tail = [
            "module.exports = (runtime) => {",
            "  $ = runtime;",
            *[f"  {n} = $.pattern({lit(s)});" for s, n in file.patterns.items()],
            *[f"  {n} = $.ref({lit(k)});" for k, n in file.refs.items()],
            "  return {",
            *[f"    {lit(file.path + '#' + ptr)}: {name}," for ptr, name in good],
            "  };",
            "};",
            "",
        ]
        if sum(len(file.code[name]) for name in names) < LAZY_BYTES:
            # Top-level functions: V8 compiles each on its first call (inside one
            # factory function, the whole text would be parsed again on the call).
            lines += [file.code[name] for name in names]
            return "\n".join(lines + tail), None
        lines += _LAZY
        header = (
            "// Generated by `contracts generate`. Do not edit. The functions of"
            f" {file.path}.cjs, each compiled there on its first call."
        )
        functions = [header, *[f"({file.code[name]})" for name in names], ""]
        # Where each function's text is, in bytes (checked before use: if line
        # endings changed, the functions are found by the line each starts with).
        at = len(header.encode()) + 1
        stubs = []
        self.draft = self.bundles[uri].draft
        pointers = {name: pointer for pointer, name in good}
        for name, code in zip(names, functions[1:], strict=False):
            size = len(code.encode())
            # a union's branch: the union and the union report call them all
            no: Doom = (False, [], {})
            branch = _branch(pointers[name])
            fails, keys, tags = self.doom(uri, pointers[name]) if branch else no
            doom = ""
            if fails or keys or tags:
                tagged = [[k, *values] for k, values in tags.items()]
                doom = f", {lit([int(fails), *keys])}, {lit(tagged)}"
            stubs.append(f"{name} = stub({name[1:]}, {at}, {at + size}{doom})")
            at += size + 1
        # var, not let: a call from another function then checks no temporal dead zone
        lines.append("var " + ", ".join(stubs) + ";")
        lines.append("function bind(n, f) {")
        lines.append("  switch (n) {")
        lines += [f"    case {n[1:]}: {n} = f; break;" for n in names]
        lines += ["  }", "}"]
        return "\n".join(lines + tail), "\n".join(functions)


# A module whose functions' text reaches this size (a vendor's big schema file: GitHub's
# webhooks, 2 MB) has them compiled on their first call, from `.functions.js` (_LAZY);
# a smaller one holds them, and needs no code generation from strings (a process run
# with --disallow-code-generation-from-strings) and no second file. V8 pre-parses a
# module's functions when it loads it, about 7.5 ms per MB here: under 2 ms below this.
LAZY_BYTES = 256 * 1024

# How a module finds and compiles its functions: each is a stub until its first call,
# which reads the function's text from the module's `.functions.js` file (its bytes
# alone, where the stub says they are: a first refusal of GitHub's webhooks reads 240
# KB of 1.9 MB, and reading the whole file took 3 ms of CPU; else the whole file, the
# function found by the line it starts with, so a change of line endings does not
# matter), compiles it with a direct eval (it then sees the module's constants and
# functions) and binds its name to it. Loading a module costs its constants and
# stubs: V8 need not read and pre-parse megabytes of functions of which a message
# runs a quarter (GitHub's webhooks: 2 MB, 18 ms to load before, 251 of 869
# functions run by a refusal).
_LAZY = [
    "const F = [];",
    "let spans = null;",
    "let text = null;",
    "function compiled(n, start, end) {",
    '  const file = __filename.replace(/\\.cjs$/, ".functions.js");',
    "  const head = `(function v${n}(`;",
    "  if (text === null) {",
    '    const fs = require("node:fs");',
    "    const bytes = Buffer.alloc(end - start);",
    '    const fd = fs.openSync(file, "r");',
    "    let read = 0;",
    "    try {",
    "      read = fs.readSync(fd, bytes, 0, bytes.length, start);",
    "    } finally {",
    "      fs.closeSync(fd);",
    "    }",
    '    const found = bytes.toString("latin1", 0, head.length) === head;',
    "    if (read === bytes.length && found) {",
    '      return eval(bytes.toString("utf8"));',
    "    }",
    "    text = fs.readFileSync(file);",
    "  }",
    '  if (text.toString("latin1", start, start + head.length) === head) {',
    '    return eval(text.toString("utf8", start, end));',
    "  }",
    "  if (spans === null) {",
    "    spans = [];",
    '    const mark = Buffer.from("\\n(function v");',
    "    let at = text.indexOf(mark);",
    "    while (at >= 0) {",
    "      const next = text.indexOf(mark, at + 1);",
    "      const from = at + mark.length;",
    '      const number = parseInt(text.toString("latin1", from, from + 12), 10);',
    "      spans[number] = [at + 1, next < 0 ? text.length : next];",
    "      at = next;",
    "    }",
    "  }",
    "  const span = spans[n];",
    '  return eval(text.toString("utf8", span[0], span[1]));',
    "}",
    "function load(n, start, end) {",
    "  const f = (F[n] = compiled(n, start, end));",
    "  bind(n, f);",
    "  return f;",
    "}",
    "function doomed(D, T, x) {",
    '  if (x === null || typeof x !== "object" || Array.isArray(x)) return D[0] === 1;',
    "  for (let i = 1; i < D.length; i++) if (!$.has(x, D[i])) return true;",
    "  for (const t of T) {",
    "    if ($.has(x, t[0]) && t.indexOf(x[t[0]], 1) < 0) return true;",
    "  }",
    "  return false;",
    "}",
    "function stub(n, start, end, D, T) {",
    "  if (D === undefined) {",
    "    return (x, p, E) => (F[n] ?? load(n, start, end))(x, p, E);",
    "  }",
    "  return (x, p, E) =>",
    "    E === undefined && doomed(D, T, x)",
    "      ? false",
    "      : (F[n] ?? load(n, start, end))(x, p, E);",
    "}",
]


def _package(by_uri: dict[str, ir.Bundle], contracts: list[str]) -> _Package:
    by_path = {b.path: b for b in by_uri.values()}
    package = _Package(by_uri)
    for contract in contracts:
        path, _, pointer = contract.partition("#")
        if path in by_path:
            package.want(by_path[path].uri.rstrip("#"), pointer)
    package.run()
    return package


def checks_files(
    by_uri: dict[str, ir.Bundle], contracts: list[str]
) -> dict[str, tuple[str, str | None]]:
    """The ``_checks/<file>.cjs`` texts, by schema path, of the locations the
    ``contracts`` (ids) reach, each with the text of its functions
    (``_checks/<file>.functions.js``) when they are compiled on first call, else
    None; bundles by uri (without "#"). CommonJS, so
    that the runtime loads one synchronously on the first call into it, and a package
    import reads none. Each exports its locations by "<path>#<JSON pointer>": the
    contracts and the branches of their unions, which the runtime's union report
    validates apart."""
    package = _package(by_uri, contracts)
    out = {}
    for uri in sorted(package.files, key=lambda u: package.files[u].path):
        text = package.text(uri)
        if text is not None:
            out[package.files[uri].path] = text
    return out


def modelled(by_uri: dict[str, ir.Bundle], contracts: list[str]) -> dict[str, str]:
    """Why each contract left to Ajv is (the first Unmodelled reached), by id."""
    package = _package(by_uri, contracts)
    by_path = {b.path: b for b in by_uri.values()}
    out = {}
    for contract in contracts:
        path, _, pointer = contract.partition("#")
        if path not in by_path:
            out[contract] = "no such schema file"
            continue
        key = (by_path[path].uri.rstrip("#"), pointer)
        if key in package.bad:
            out[contract] = package.bad[key]
    return out


def checks_path(schema_path: str) -> str:
    """Where the checks of a schema file are, below the package."""
    return f"_checks/{schema_path}.cjs"


def functions_path(schema_path: str) -> str:
    """Where the text of those checks' functions is, below the package."""
    return f"_checks/{schema_path}.functions.js"
