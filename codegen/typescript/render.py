"""Stage 4b: render the IR as an npm package (ES modules + declarations).

One ``.js`` + ``.d.ts`` pair per schema file: types (interfaces, literal unions),
frozen lists of enum values, and an ``is<Name>``/``parse<Name>`` pair for every
contract, backed by the package's Ajv runtime. Like the Python renderer it sees
only the IR.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from codegen.compiler import ir
from codegen.templating import Templates
from runtime.support.ecma import RegexError, translate

_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")

FORMAT_TYPES = {
    "date-time": "IsoDateTime",
    "date": "IsoDate",
    "time": "IsoTime",
    "duration": "IsoDuration",
    "uuid": "Uuid",
    "email": "Email",
    "uri": "Uri",
    "hostname": "Hostname",
    "ipv4": "Ipv4",
    "ipv6": "Ipv6",
}
FORMATS_NS = "Fmt"

_KIND_TS = {
    "object": "{ [key: string]: unknown }",
    "array": "unknown[]",
    "string": "string",
    "number": "number",
    "boolean": "boolean",
    "null": "null",
}


def ts_string(text: str) -> str:
    """A TypeScript/JavaScript string literal (JSON's escaping is valid in both)."""
    return (
        encode_basestring(text)  # json.dumps(text, ensure_ascii=False) without its
        # encoder object (one a call: most of the time of a short string)
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def js_literal(value: Any) -> str:
    """A JSON value as JavaScript source (safe inside a module)."""
    if isinstance(value, str):
        return ts_string(value)
    text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# The TypeScript templates (the Node runtime itself is runtime/node/, see runtime.py).
TEMPLATES = Templates(Path(__file__).resolve().parent / "templates", js=js_literal)


def jsdoc(lines: list[str], indent: str) -> str:
    """A JSDoc block; ``*/`` in schema text cannot close it."""
    body = [ln.replace("*/", "*\\/") for text in lines for ln in text.split("\n")]
    body = [ln.rstrip() for ln in body]
    while body and not body[-1]:
        body.pop()
    if not body:
        return ""
    if len(body) == 1:
        return f"{indent}/** {body[0]} */"
    inner = "\n".join(f"{indent} *{(' ' + ln) if ln else ''}" for ln in body)
    return f"{indent}/**\n{inner}\n{indent} */"


def property_key(name: str) -> str:
    return name if _IDENT.match(name) else ts_string(name)


@dataclass
class TsUsed:
    refs: set[ir.TypeName] = field(default_factory=set)
    formats: bool = False


class TypeScriptRenderer:
    def __init__(self, program: ir.Program, contracts: dict[ir.TypeName, str]) -> None:
        self.program = program
        self.decls = {d.name: d for m in program.modules for d in m.decls}
        self.contracts = contracts  # declared type -> contract id (for validators)
        # Each module's declaration views and the names they use, made once for
        # both its files and its part of index.js.
        self._views: dict[str, tuple[list[dict[str, Any]], TsUsed]] = {}

    def ts(self, t: ir.IrType, used: TsUsed, module: str) -> str:
        if isinstance(t, ir.Ref):
            if t.target.module != module:
                used.refs.add(t.target)
            return t.target.name
        if isinstance(t, ir.AnyT):
            if not t.exclude:
                return "unknown"
            kinds = [k for k in _KIND_TS if k not in t.exclude]
            return " | ".join(_KIND_TS[k] for k in kinds) or "never"
        if isinstance(t, ir.NeverT):
            return "never"
        if isinstance(t, ir.NullT):
            return "null"
        if isinstance(t, ir.BoolT):
            return "boolean"
        if isinstance(t, ir.NumericT):
            return "number"
        if isinstance(t, ir.StrT):
            if t.format in FORMAT_TYPES:
                used.formats = True
                return f"{FORMATS_NS}.{FORMAT_TYPES[t.format]}"
            return "string"
        if isinstance(t, ir.LiteralT):
            return " | ".join(js_literal(v) for v in t.values)
        if isinstance(t, ir.ValuesT):
            return self.ts(t.base, used, module)
        if isinstance(t, ir.ArrayT):
            item = self.ts(t.items, used, module)
            return (
                f"({item})[]"
                if (" " in item and not item.startswith("{"))
                else f"{item}[]"
            )
        if isinstance(t, ir.MapT):
            return f"{{ [key: string]: {self.ts(t.values, used, module)} }}"
        return " | ".join(self.ts(m, used, module) for m in t.members)

    def field_lines(self, f: ir.Field, used: TsUsed, module: str) -> list[str]:
        doc: list[str] = []
        if f.docs.description:
            doc.append(f.docs.description)
        if f.default is not None:
            doc.append(f"@default {json.dumps(f.default.value, ensure_ascii=False)}")
        if f.docs.deprecated:
            doc.append("@deprecated")
        lines = []
        block = jsdoc(doc, "  ")
        if block:
            lines.append(block)
        readonly = "readonly " if f.docs.read_only else ""
        optional = "" if f.required else "?"
        key = property_key(f.json_name)
        lines.append(f"  {readonly}{key}{optional}: {self.ts(f.type, used, module)};")
        return lines

    def decl_view(self, decl: ir.Decl, used: TsUsed, module: str) -> dict[str, Any]:
        name = decl.name.name
        doc_lines = [decl.docs.description] if decl.docs.description else []
        if decl.docs.deprecated:
            doc_lines.append("@deprecated")
        view: dict[str, Any] = {
            "name": name,
            "doc": jsdoc(doc_lines, ""),
            "values": None,
            "contract": self.contracts.get(decl.name),
        }
        if isinstance(decl, ir.ObjectDecl):
            body: list[str] = []
            for f in decl.fields:
                body += self.field_lines(f, used, module)
            if decl.extra is not None:
                body.append("  [key: string]: unknown;")
            view["kind"] = "interface"
            view["body"] = "\n".join(body)
        else:
            view["kind"] = "alias"
            view["type"] = self.ts(decl.type, used, module)
            if isinstance(decl.type, ir.LiteralT):
                view["values"] = ", ".join(js_literal(v) for v in decl.type.values)
        return view

    def views(self, module: ir.Module) -> tuple[list[dict[str, Any]], TsUsed]:
        """The views of a module's declarations, and what they use."""
        made = self._views.get(module.name)
        if made is None:
            used = TsUsed()
            views = [self.decl_view(d, used, module.name) for d in module.decls]
            made = self._views[module.name] = (views, used)
        return made

    def module_files(self, module: ir.Module) -> tuple[str, str]:
        views, used = self.views(module)
        depth = module.name.count(".")
        up = "../" * depth if depth else "./"
        imports = self.imports(used, module, up)
        common = {
            "source": module.source,
            "fingerprint": module.fingerprint,
            "decls": views,
            "runtime": f"{up}_runtime.js",
        }
        names: list[str] = []
        for d in views:
            if d["values"] is not None:
                names.append(f"{d['name']}Values")
            if d["contract"]:
                names += [
                    f"is{d['name']}",
                    f"parse{d['name']}",
                    f"parse{d['name']}Json",
                ]
        js = TEMPLATES.render(
            "module.js.j2", names=names, index=f"{up}index.js", **common
        )
        dts = TEMPLATES.render("module.d.ts.j2", imports=imports, **common)
        return js, dts

    def module_body(self, module: ir.Module) -> str:
        """The code of a module's validators and value lists, as ``index.js`` holds
        it: one file for every module, since Node's loader costs about half a
        millisecond per file (a package of 500 contracts imported in half the time).
        Each ``<module>.js`` re-exports its names from there."""
        views, _ = self.views(module)
        return TEMPLATES.render("module_body.js.j2", source=module.source, decls=views)

    def imports(self, used: TsUsed, module: ir.Module, up: str) -> list[str]:
        lines = []
        if used.formats:
            lines.append(f'import type * as {FORMATS_NS} from "{up}_formats.js";')
        by_module: dict[str, list[str]] = {}
        for ref in used.refs:
            by_module.setdefault(ref.module, []).append(ref.name)
        for mod in sorted(by_module):
            names = ", ".join(sorted(by_module[mod]))
            path = up + mod.replace(".", "/") + ".js"
            lines.append(f'import type {{ {names} }} from "{path}";')
        return lines


def module_path(module: str) -> str:
    return module.replace(".", "/")


def messages_view(program: ir.Program) -> list[dict[str, Any]]:
    """Message types and versions with their root types, for typed envelopes."""
    by_type: dict[str, list[tuple[int, ir.Module]]] = {}
    for m in program.modules:
        if m.message is not None and m.root is not None:
            by_type.setdefault(m.message.type, []).append((m.message.version, m))
    return [
        {
            "type": t,
            "versions": [
                {
                    "version": v,
                    "name": m.root.name if m.root else "",
                    "module": module_path(m.name),
                }
                for v, m in sorted(versions, key=lambda x: x[0])
            ],
        }
        for t, versions in sorted(by_type.items())
    ]


def pattern_table(schemas: Iterable[Any]) -> list[list[str]]:
    """``[ECMA-262 source, RE2 translation]`` for every ``pattern`` and
    ``patternProperties`` key in ``schemas``, sorted, each once (the vocabulary
    check has refused the patterns that do not translate; a "pattern" string in
    data such as ``const`` is left out if it does not)."""
    found: set[str] = set()
    stack = list(schemas)
    while stack:
        node = stack.pop()
        if type(node) is dict:
            if type(node.get("pattern")) is str:
                found.add(node["pattern"])
            if type(node.get("patternProperties")) is dict:
                found.update(node["patternProperties"])
            # containers only: most values are scalars, not worth a turn each
            stack += [v for v in node.values() if type(v) is dict or type(v) is list]
        elif type(node) is list:
            stack += [v for v in node if type(v) is dict or type(v) is list]
    table = []
    for source in sorted(found):
        try:
            table.append([source, translate(source).re2])
        except RegexError:
            continue
    return table
