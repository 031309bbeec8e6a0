"""Stage 4a: render the IR as a Pydantic v2 package.

This module turns IR nodes into Python expressions; the jinja2 templates lay out
modules and classes. It never looks at a schema, only at the IR.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from codegen.compiler import ir
from codegen.python.layout import (
    LINE_LENGTH,
    Expr,
    Group,
    Union,
    docstring,
    flat,
    layout,
    py_literal,
    py_str,
)
from codegen.templating import Templates

SUPPORT = "_s"

TEMPLATES = Templates(Path(__file__).parent / "templates", py=py_literal)


@dataclass
class Used:
    """Names a module imports, collected while rendering it."""

    typing: set[str] = field(default_factory=set)
    pydantic: set[str] = field(default_factory=set)
    refs: set[ir.TypeName] = field(default_factory=set)
    type_alias_type: bool = False


class Typed(NamedTuple):
    """A type as a base expression plus ``Annotated`` metadata and Field kwargs."""

    base: Expr
    metadata: tuple[Expr, ...] = ()
    field_kwargs: tuple[tuple[str, str], ...] = ()
    trailing: tuple[Expr, ...] = ()  # metadata after the Field (it sees its limits)


def _number(value: ir.Number) -> str:
    return py_literal(value)


class PythonRenderer:
    def __init__(self, program: ir.Program, package: str) -> None:
        self.program = program
        self.package = package
        self.decls: dict[ir.TypeName, ir.Decl] = {
            d.name: d for m in program.modules for d in m.decls
        }

    # -- types --------------------------------------------------------------------

    def typed(self, t: ir.IrType, used: Used, module: str) -> Typed:
        if isinstance(t, ir.Ref):
            if t.target.module != module:
                used.refs.add(t.target)
            return Typed(t.target.name)
        if isinstance(t, ir.AnyT):
            used.typing.add("Any")
            if t.exclude:
                kinds = ", ".join(py_str(k) for k in sorted(t.exclude))
                return Typed("Any", (f"{SUPPORT}.not_kinds({kinds})",))
            return Typed("Any")
        if isinstance(t, ir.NeverT):
            used.typing.add("Any")
            return Typed("Any", (f"{SUPPORT}.never",))
        if isinstance(t, ir.NullT):
            return Typed("None")
        if isinstance(t, ir.BoolT):
            return Typed(f"{SUPPORT}.Bool")
        if isinstance(t, ir.NumericT):
            kwargs = [
                (key, _number(value))
                for key, value in (
                    ("ge", t.minimum),
                    ("le", t.maximum),
                    ("gt", t.exclusive_minimum),
                    ("lt", t.exclusive_maximum),
                )
                if value is not None
            ]
            meta: tuple[Expr, ...] = ()
            if t.multiple_of is not None:
                meta = (f"{SUPPORT}.multiple_of({_number(t.multiple_of)})",)
            if not t.integer:
                return Typed(f"{SUPPORT}.Number", meta, tuple(kwargs))
            if not kwargs and not meta:
                return Typed(f"{SUPPORT}.Int")
            # The bounds stay in pydantic-core when json_int comes after them.
            return Typed(
                f"{SUPPORT}.StrictInt", meta, tuple(kwargs), (f"{SUPPORT}.json_int",)
            )
        if isinstance(t, ir.StrT):
            kwargs = [
                (key, str(value))
                for key, value in (
                    ("min_length", t.min_length),
                    ("max_length", t.max_length),
                )
                if value is not None
            ]
            meta = ()
            if t.format is not None:
                meta += (f"{SUPPORT}.format_({py_str(t.format)})",)
            # After the Field, so that the lengths stay in the str schema it wraps.
            trailing: tuple[Expr, ...] = ()
            if t.pattern is not None:
                trailing = (Group(f"{SUPPORT}.pattern(", (py_str(t.pattern),), ")"),)
            return Typed(f"{SUPPORT}.Str", meta, tuple(kwargs), trailing)
        if isinstance(t, ir.LiteralT):
            used.typing.add("Literal")
            literal = Group("Literal[", tuple(py_literal(v) for v in t.values), "]")
            if all(isinstance(v, str) for v in t.values):
                return Typed(literal)
            guard = Group(
                f"{SUPPORT}.enum(", tuple(py_literal(v) for v in t.values), ")"
            )
            return Typed(literal, (guard,))
        if isinstance(t, ir.ValuesT):
            inner = self.typed(t.base, used, module)
            guard = Group(
                f"{SUPPORT}.values(", tuple(py_literal(v) for v in t.values), ")"
            )
            return Typed(
                inner.base, (guard, *inner.metadata), inner.field_kwargs, inner.trailing
            )
        if isinstance(t, ir.ArrayT):
            item = self.expr(t.items, used, module)
            kwargs = [
                (key, str(value))
                for key, value in (
                    ("min_length", t.min_items),
                    ("max_length", t.max_items),
                )
                if value is not None
            ]
            meta = (f"{SUPPORT}.unique",) if t.unique_items else ()
            return Typed(Group("list[", (item,), "]"), meta, tuple(kwargs))
        if isinstance(t, ir.MapT):
            value = self.expr(t.values, used, module)
            key: Expr = "str" if t.keys is None else self.expr(t.keys, used, module)
            kwargs = [
                (key, str(v))
                for key, v in (
                    ("min_length", t.min_properties),
                    ("max_length", t.max_properties),
                )
                if v is not None
            ]
            return Typed(Group("dict[", (key, value), "]"), (), tuple(kwargs))
        # UnionT
        if t.split is not None:
            return self.split_union(t, t.split, used, module)
        union = Union(tuple(self.expr(m, used, module) for m in t.members))
        tag = self.tag_field(t)
        if tag is not None:
            return Typed(union, (), (("discriminator", py_str(tag)),))
        return Typed(union)

    def split_union(
        self, t: ir.UnionT, split: ir.KeySplit, used: Used, module: str
    ) -> Typed:
        """A union told apart by its members' required properties: each leaf of
        the decision tree is a ``Tag``ged choice (named by its members' type names,
        which error locations skip unless an object has a property of that name), and
        ``_s.key_tag`` walks the tree in pydantic-core's callable discriminator."""
        used.pydantic |= {"Discriminator", "Tag"}
        used.typing.add("Annotated")
        choices: list[Expr] = []

        def node(side: ir.KeySplit | ir.KeyLeaf) -> Expr:
            if isinstance(side, ir.KeySplit):
                return Group(
                    "(", (py_str(side.key), node(side.present), node(side.absent)), ")"
                )
            if not side.members:
                return "None"
            members = [t.members[i] for i in side.members]
            tag = " | ".join(
                m.target.name if isinstance(m, ir.Ref) else f"member {i}"
                for i, m in zip(side.members, members, strict=True)
            )
            inner = ir.UnionT(tuple(members), side.discriminator)
            typed = self.typed(members[0] if len(members) == 1 else inner, used, module)
            label = f"Tag({py_str(tag)})"
            choices.append(
                self.annotated(
                    Typed(
                        typed.base,
                        typed.metadata,
                        typed.field_kwargs,
                        (*typed.trailing, label),
                    ),
                    used,
                )
            )
            return py_str(tag)

        tree = node(split)
        call = Group(f"{SUPPORT}.key_tag(", (tree,), ")")
        # Every leaf holds a member, so only a value that is no object has no tag.
        error = ('custom_error_type="type_error"', 'custom_error_message="an object"')
        discriminator = Group("Discriminator(", (call, *error), ")")
        return Typed(Union(tuple(choices)), (discriminator,))

    def tag_field(self, t: ir.UnionT) -> str | None:
        """The Python field name of the union's tag, which Pydantic's
        ``discriminator`` takes (not the JSON alias: ``build-base`` is
        ``build_base``); ``None`` if the members name it differently."""
        if t.discriminator is None:
            return None
        names = {
            f.py_name
            for m in t.members
            if isinstance(m, ir.Ref)
            and isinstance(decl := self.decls.get(m.target), ir.ObjectDecl)
            for f in decl.fields
            if f.json_name == t.discriminator
        }
        return names.pop() if len(names) == 1 else None

    def expr(self, t: ir.IrType, used: Used, module: str) -> Expr:
        """A complete type expression (``Annotated[...]`` when it carries metadata)."""
        return self.annotated(self.typed(t, used, module), used)

    def annotated(
        self, typed: Typed, used: Used, extra: Iterable[tuple[str, str]] = ()
    ) -> Expr:
        kwargs = list(typed.field_kwargs) + list(extra)
        metadata = list(typed.metadata)
        if kwargs:
            used.pydantic.add("Field")
            metadata.append(Group("Field(", tuple(f"{k}={v}" for k, v in kwargs), ")"))
        metadata += typed.trailing
        if not metadata:
            return typed.base
        used.typing.add("Annotated")
        return Group("Annotated[", (typed.base, *metadata), "]")

    def needs_conversion(self, t: ir.IrType, value: Any) -> bool:
        """Whether a JSON default must be validated to become the field's typed
        value: a dict for a model, a list or dict holding models."""
        if isinstance(t, ir.Ref):
            decl = self.decls[t.target]
            if isinstance(decl, ir.ObjectDecl):
                return isinstance(value, dict)
            return self.needs_conversion(decl.type, value)
        if isinstance(t, ir.ArrayT):
            return isinstance(value, list) and any(
                self.needs_conversion(t.items, v) for v in value
            )
        if isinstance(t, ir.MapT):
            return isinstance(value, dict) and any(
                self.needs_conversion(t.values, v) for v in value.values()
            )
        if isinstance(t, ir.UnionT):
            return any(self.needs_conversion(m, value) for m in t.members)
        return False

    def default_fits(self, t: ir.IrType, value: Any) -> bool:
        """Whether a scalar default has the field's static type (as mypy sees it)."""
        if isinstance(t, ir.Ref):
            decl = self.decls[t.target]
            return isinstance(decl, ir.AliasDecl) and self.default_fits(
                decl.type, value
            )
        if isinstance(t, ir.UnionT):
            return any(self.default_fits(m, value) for m in t.members)
        if isinstance(t, ir.LiteralT):
            return any(type(v) is type(value) and v == value for v in t.values)
        if isinstance(t, ir.NumericT):
            kinds: tuple[type, ...] = (int,) if t.integer else (int, float)
            return isinstance(value, kinds) and not isinstance(value, bool)
        return (
            isinstance(t, ir.AnyT)
            or (isinstance(t, ir.NullT) and value is None)
            or (isinstance(t, ir.BoolT) and isinstance(value, bool))
            or (isinstance(t, ir.StrT) and isinstance(value, str))
        )

    def accepts_null(self, t: ir.IrType) -> bool:
        if isinstance(t, ir.NullT):
            return True
        if isinstance(t, ir.AnyT):
            return "null" not in t.exclude
        if isinstance(t, ir.UnionT):
            return any(self.accepts_null(m) for m in t.members)
        if isinstance(t, ir.LiteralT | ir.ValuesT):
            return None in t.values
        if isinstance(t, ir.Ref):
            decl = self.decls[t.target]
            return isinstance(decl, ir.AliasDecl) and self.accepts_null(decl.type)
        return False

    # -- declarations ---------------------------------------------------------------

    def field_lines(
        self, f: ir.Field, used: Used, module: str, quoted: bool = False
    ) -> str:
        typed = self.typed(f.type, used, module)
        nullable = self.accepts_null(f.type)
        extra: list[tuple[str, str]] = []
        if f.py_name != f.json_name:
            extra.append(("validation_alias", py_str(f.json_name)))
            extra.append(("serialization_alias", py_str(f.json_name)))
        if f.docs.description:
            extra.append(("description", py_str(f.docs.description)))
        if f.docs.deprecated:
            extra.append(("deprecated", "True"))
        default = ""
        if not f.required:
            if f.default is not None:
                default = py_literal(f.default.value)
                if isinstance(f.default.value, dict | list):
                    # Validated only where it must become typed values (a model, or
                    # models in a list/map) and its shape says it can; a default is
                    # an annotation in JSON Schema, so a wrong one must not fail.
                    used.pydantic.add("Field")
                    validate = self.needs_conversion(f.type, f.default.value)
                    default = f"Field(default={default}" + (
                        ", validate_default=True)" if validate else ")"
                    )
                elif not self.default_fits(f.type, f.default.value):
                    default = f"{SUPPORT}.loose_default({default})"
            else:
                default = "None"
                if not nullable:
                    typed = Typed(
                        Group(f"{SUPPORT}.Opt[", (self.annotated(typed, used),), "]")
                    )
        expr = self.annotated(typed, used, extra)
        if quoted:
            expr = py_str(flat(expr))
        prefix = f"    {f.py_name}: "
        suffix = f" = {default}" if default else ""
        return prefix + layout(expr, 4, len(prefix), len(suffix)) + suffix

    def class_view(
        self,
        decl: ir.ObjectDecl,
        used: Used,
        module: str,
        pending: frozenset[ir.TypeName] | set[ir.TypeName] = frozenset(),
    ) -> dict[str, Any]:
        """A class; an annotation that names a class of this module defined later
        (or this one) is quoted: a reference cycle."""
        used.pydantic.add("ConfigDict")
        config = 'extra="forbid"' if decl.extra is None else 'extra="allow"'
        extra_line = ""
        if decl.extra is not None and decl.extra != ir.AnyT():
            value = self.expr(decl.extra, used, module)
            used.pydantic.add("Field")
            prefix = "    __pydantic_extra__: "
            suffix = " = Field(init=False)"
            extra: Expr = Group("dict[", ("str", value), "]")
            if _names_any(decl.extra, pending):
                extra = py_str(flat(extra))
            extra_line = prefix + layout(extra, 4, len(prefix), len(suffix)) + suffix
        checks: list[Expr] = []
        if decl.dependent_required:
            items = tuple(
                Group("(", (py_str(k), _tuple([py_str(v) for v in vs])), ")")
                for k, vs in decl.dependent_required
            )
            tail = ",)" if len(items) == 1 else ")"
            checks.append(Group("dependent_required=(", items, tail))
        if decl.min_properties is not None:
            checks.append(f"min_properties={decl.min_properties}")
        if decl.max_properties is not None:
            checks.append(f"max_properties={decl.max_properties}")
        check_call = ""
        if checks:
            used.pydantic.add("model_validator")
            used.typing.add("Self")
            check_call = "        " + layout(
                Group(f"{SUPPORT}.check_object(", ("self", *checks), ")"), 8, 8
            )
        doc = _doc_text(decl.docs, decl.name.name)
        return {
            "kind": "class",
            "name": decl.name.name,
            "docstring": docstring(doc, "    ") if doc else "",
            "config": f"    model_config = ConfigDict({config})",
            "extra_line": extra_line,
            "fields": "\n".join(
                self.field_lines(f, used, module, _names_any(f.type, pending))
                for f in decl.fields
            ),
            "check_call": check_call,
        }

    def alias_view(
        self, decl: ir.AliasDecl, used: Used, module: str, recursive: bool
    ) -> dict[str, Any]:
        expr = self.expr(decl.type, used, module)
        doc = _doc_text(decl.docs, decl.name.name)
        if recursive:
            used.type_alias_type = True
            text = flat(expr)
            prefix = f"{decl.name.name} = "
            value = Group("TypeAliasType(", (py_str(decl.name.name), py_str(text)), ")")
            line = prefix + layout(value, 0, len(prefix))
        else:
            prefix = f"{decl.name.name} = "
            line = prefix + layout(expr, 0, len(prefix))
            if "\n" not in line and len(line) > LINE_LENGTH:
                line = f"{prefix}(\n    {flat(expr)}\n)"  # as the formatter splits it
        return {
            "kind": "alias",
            "name": decl.name.name,
            "line": line,
            "docstring": docstring(doc, "") if doc else "",
        }

    # -- modules --------------------------------------------------------------------

    def module_source(self, module: ir.Module) -> str:
        used = Used()
        order, cyclic = _order(module, self.decls)
        pending = set(order)  # declared in this module, not yet defined
        views = []
        for name in order:
            decl = self.decls[name]
            if isinstance(decl, ir.ObjectDecl):
                # No model_rebuild() for references to later classes (quoted):
                # models are built on first use (defer_build), when every class
                # exists.
                view = self.class_view(decl, used, module.name, pending)
            else:
                view = self.alias_view(decl, used, module.name, name in cyclic)
            pending.discard(name)
            views.append(view)
        imports = self.imports(used, module)
        root = self.decls.get(module.root) if module.root else None
        doc_text = None
        if root is not None:
            doc_text = root.docs.title or root.docs.description
        return TEMPLATES.render(
            "module.py.j2",
            source=module.source,
            fingerprint=module.fingerprint,
            docstring=docstring(f"Contract types generated from {module.source}.", ""),
            imports=imports,
            decls=views,
            all_names=sorted(d.name.name for d in module.decls),
            doc_text=doc_text,
        )

    def imports(self, used: Used, module: ir.Module) -> list[str]:
        lines: list[str] = []
        typing_names = sorted(used.typing)
        if typing_names:
            lines.append(f"from typing import {', '.join(typing_names)}")
            lines.append("")
        third = []
        if used.pydantic:
            third.append(f"from pydantic import {', '.join(sorted(used.pydantic))}")
        if used.type_alias_type:
            third.append("from typing_extensions import TypeAliasType")
        if third:
            lines += third + [""]
        first = [f"from {self.package} import _support as {SUPPORT}"]
        by_module: dict[str, list[str]] = {}
        for ref in used.refs:
            by_module.setdefault(ref.module, []).append(ref.name)
        for mod in sorted(by_module):
            names = ", ".join(sorted(by_module[mod]))
            line = f"from {self.package}.{mod} import {names}"
            if len(line) > 88:
                inner = "".join(f"    {n},\n" for n in sorted(by_module[mod]))
                line = f"from {self.package}.{mod} import (\n{inner})"
            first.append(line)
        lines += first
        return lines


# IR types that hold no reference: most fields' (refs_in's walk skipped).
_LEAVES = (ir.StrT, ir.NumericT, ir.BoolT, ir.NullT, ir.AnyT, ir.LiteralT, ir.NeverT)


def _names_any(t: ir.IrType, names: frozenset[ir.TypeName] | set[ir.TypeName]) -> bool:
    if isinstance(t, ir.Ref):
        return t.target in names
    if not names or isinstance(t, _LEAVES):
        return False
    return any(r in names for r in ir.refs_in(t))


def _doc_text(docs: ir.Docs, name: str) -> str | None:
    """Description, else a title that says more than the type name."""
    if docs.description:
        return docs.description
    if docs.title and docs.title.replace(" ", "") != name:
        return docs.title
    return None


def _tuple(items: list[str]) -> Expr:
    if len(items) == 1:
        return f"({items[0]},)"
    return Group("(", tuple(items), ")")


def _order(
    module: ir.Module, decls: dict[ir.TypeName, ir.Decl]
) -> tuple[list[ir.TypeName], set[ir.TypeName]]:
    """Declarations in source order, each moved after what it refers to (depth
    first), so that annotations are evaluated once, as the class body runs, not
    parsed from strings when each class is created (a class costs about a fifth
    less to create). What a reference cycle puts later is quoted (see
    :meth:`PythonRenderer.module_source`).

    Returns the order and the aliases that are part of a reference cycle (those
    are rendered as ``TypeAliasType`` with a lazily evaluated value).
    """
    names = [d.name for d in module.decls]
    local = set(names)
    deps = {n: [r for r in ir.decl_refs(decls[n]) if r in local] for n in names}
    cyclic: set[ir.TypeName] = set()
    for n in names:
        if isinstance(decls[n], ir.AliasDecl) and _reaches(n, n, deps):
            cyclic.add(n)

    def needs(n: ir.TypeName) -> list[ir.TypeName]:
        return [] if n in cyclic else deps[n]  # a cyclic alias's value is a string

    order: list[ir.TypeName] = []
    seen: set[ir.TypeName] = set()
    for start in names:
        if start in seen:
            continue
        seen.add(start)
        stack = [(start, iter(needs(start)))]
        while stack:
            node, rest = stack[-1]
            for d in rest:
                if d not in seen:
                    seen.add(d)
                    stack.append((d, iter(needs(d))))
                    break
            else:
                stack.pop()
                order.append(node)
    return order, cyclic


def _reaches(
    start: ir.TypeName, goal: ir.TypeName, deps: dict[ir.TypeName, list[ir.TypeName]]
) -> bool:
    seen: set[ir.TypeName] = set()
    stack = list(deps[start])
    while stack:
        n = stack.pop()
        if n == goal:
            return True
        if n not in seen:
            seen.add(n)
            stack.extend(deps.get(n, ()))
    return False
