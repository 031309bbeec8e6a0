"""Stage 3: lower resolved schemas into the IR.

One rule drives every choice here: the IR type of a schema accepts at least every
instance the schema accepts. Where it accepts more (a keyword Pydantic and the
generated validators cannot express), the schema location is recorded as a full
check, and the runtime validates that contract with JSON Schema as well. So every
keyword is expressed, delegated, or (in earlier stages) refused: never dropped.
"""

from __future__ import annotations

from typing import Any

from codegen.compiler import ir
from codegen.compiler.naming import (
    fallback_type_names,
    type_name_at,
    type_name_problem,
    unique_field_names,
)
from codegen.compiler.nodes import (
    MAX_NESTING,
    Ctx,
    docs_of,
    int_or_none,
    is_scalar,
    scalar,
    too_deep,
    types_of,
)
from codegen.compiler.resolve import SchemaGraph
from codegen.compiler.unions import (
    ALL_KINDS,
    const_discriminator,
    is_member_type,
    kinds,
    kinds_of_types,
    union_of,
    union_told_apart,
)
from codegen.compiler.vocabulary import (
    ANNOTATIONS,
    COMBINATORS,
    KIND_KEYWORDS,
    STRING_KEYWORDS,
    Draft,
    asserted_format,
    asserting,
    known_view,
)
from codegen.errors import CompileError, ContractError
from runtime.jsonpointer import pointer_join
from runtime.support.kinds import json_kind


class Lowerer:
    """Builds the IR for every document of a :class:`SchemaGraph`."""

    def __init__(
        self, graph: SchemaGraph, module_names: dict[str, str], strict: bool = False
    ) -> None:
        self.graph = graph
        self.module_names = module_names
        # strict: a taken or unusable name is an error (a team's own schemas);
        # otherwise the location names the type (schemas nobody here can edit).
        self.strict = strict
        self.names: dict[str, tuple[str, str]] = {}
        self.declared: dict[tuple[str, str], ir.TypeName] = {}
        self.decls: dict[ir.TypeName, ir.Decl] = {}
        self.order: dict[ir.TypeName, tuple[int, int]] = {}
        self.full_check: dict[ir.TypeName, set[str]] = {}
        # (file, pointer) of an anyOf/oneOf told apart by a const tag -> (keyword,
        # tag property): the Node bundle marks them for Ajv's discriminator.
        self.tagged: dict[tuple[str, str], tuple[str, str]] = {}
        self.errors: list[ContractError] = []
        self._current: list[ir.TypeName] = []
        self._file_order = {f: i for i, f in enumerate(sorted(graph.documents))}

    # -- declarations -----------------------------------------------------------

    def name_for(self, file: str, pointer: str) -> str:
        """The type name of the schema at ``file#pointer``, from its location alone."""
        return type_name_at(self.graph.documents[file].contents, file, pointer)

    def reserve(self, file: str, pointer: str) -> ir.TypeName:
        """Give the location a type name, once; report collisions."""
        key = (file, pointer)
        if key in self.declared:
            return self.declared[key]
        name = self.name_for(file, pointer)
        problem = type_name_problem(name)
        if not self.strict and (problem or self.names.get(name, key) != key):
            document = self.graph.documents[file].contents
            name = self._free(fallback_type_names(document, file, pointer), key)
            problem = None
        if problem:
            self.errors.append(
                ContractError(
                    file,
                    pointer,
                    "bad-type-name",
                    f"type name {problem}",
                    "set a 'title' that is a PascalCase identifier",
                )
            )
            name = name + "Type"
        other = self.names.get(name)
        if other is not None and other != key:
            self.errors.append(
                ContractError(
                    file,
                    pointer,
                    "name-collision",
                    f"type name '{name}' is already declared at {other[0]}#{other[1]}",
                    "give one of the two schemas a distinct 'title'",
                )
            )
        self.names.setdefault(name, key)
        type_name = ir.TypeName(self.module_names[file], name)
        self.declared[key] = type_name
        self.order[type_name] = (self._file_order[file], len(self.order))
        return type_name

    def reserve_variant(self, ctx: Ctx, base: ir.TypeName, suffix: str) -> ir.TypeName:
        """A second declared type at the location of ``base`` (``<Base><Suffix>``)."""
        key = (ctx.file, f"{ctx.pointer}#{suffix}")
        if key in self.declared:
            return self.declared[key]
        name = base.name + suffix
        if not self.strict and self.names.get(name, key) != key:
            document = self.graph.documents[ctx.file].contents
            candidates = fallback_type_names(document, ctx.file, ctx.pointer)
            name = self._free([c + suffix for c in candidates], key)
        other = self.names.get(name)
        if other is not None and other != key:
            self.errors.append(
                ContractError(
                    ctx.file,
                    ctx.pointer,
                    "name-collision",
                    f"type name '{name}' (the object part of untyped schema"
                    f" '{base.name}') is already declared at {other[0]}#{other[1]}",
                    "give the schema a 'type', or one of the two a distinct 'title'",
                )
            )
        self.names.setdefault(name, key)
        type_name = ir.TypeName(base.module, name)
        self.declared[key] = type_name
        self.order[type_name] = (self._file_order[ctx.file], len(self.order))
        self.full_check.setdefault(type_name, set())
        return type_name

    def _free(self, candidates: list[str], key: tuple[str, str]) -> str:
        """The first usable candidate no other location holds; else the last
        one with underscores added until it is free (never a number)."""
        usable = [c for c in candidates if type_name_problem(c) is None]
        for name in usable:
            if self.names.get(name, key) == key:
                return name
        name = (usable or [c + "Type" for c in candidates])[-1]
        while self.names.get(name, key) != key or type_name_problem(name):
            name += "_"
        return name

    def declare(self, node: Any, ctx: Ctx) -> ir.Ref:
        """Declare the schema at ``ctx`` as a named type and return a reference."""
        key = (ctx.file, ctx.pointer)
        if key in self.declared:
            return ir.Ref(self.declared[key])
        if len(self._current) >= MAX_NESTING:
            raise CompileError([too_deep(ctx, MAX_NESTING)])
        name = self.reserve(ctx.file, ctx.pointer)
        self._current.append(name)
        self.full_check.setdefault(name, set())
        try:
            t = self.lower(node, ctx, declaring=name)
        finally:
            self._current.pop()
        if name not in self.decls:
            if t == ir.Ref(name):
                t = ir.AnyT()
            self.decls[name] = ir.AliasDecl(
                name, f"{ctx.file}#{ctx.pointer}", t, docs_of(node)
            )
        return ir.Ref(name)

    def delegate(self, ctx: Ctx, keyword: str) -> None:
        """Record that the keyword at ``ctx`` needs the runtime's full check."""
        if self._current:
            where = f"{ctx.file}#{pointer_join(ctx.pointer, keyword)}"
            self.full_check[self._current[-1]].add(where)

    def child(self, node: Any, ctx: Ctx, *tokens: str | int) -> Ctx:
        """The context of the subschema of ``node`` at ``tokens`` (in its own
        ``$id`` scope, if it declares one)."""
        sub = node
        for token in tokens:
            if isinstance(sub, dict) and isinstance(token, str):
                sub = sub.get(token)
            elif isinstance(sub, list) and isinstance(token, int) and token < len(sub):
                sub = sub[token]
            else:
                sub = None
        resolver = self.graph.descend(ctx.resolver, sub, ctx.draft)
        return Ctx(ctx.file, pointer_join(ctx.pointer, *tokens), resolver, ctx.draft)

    # -- lowering ---------------------------------------------------------------

    def lower(
        self, node: Any, ctx: Ctx, declaring: ir.TypeName | None = None
    ) -> ir.IrType:
        if node is True:
            return ir.AnyT()
        if node is False:
            return ir.NeverT()
        # Unknown keywords are annotations: lowering never sees them.
        given: dict[str, Any] = node  # not typing.cast: a call per node
        schema = known_view(given, ctx.draft)
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = self.graph.resolve(ctx.resolver, ref, ctx.file, ctx.pointer)
            target_ctx = Ctx(target.file, target.pointer, target.resolver, target.draft)
            if self.graph.location(target.node) is None:
                ref_type = self.lower(target.node, target_ctx)
            else:
                ref_type = self.declare(target.node, target_ctx)
            if ctx.draft == "7":
                return ref_type  # draft-07: siblings of $ref are ignored
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            if not asserting(rest, ctx.draft):
                return ref_type
            self.delegate(ctx, "$ref")
            return ref_type
        if "$dynamicRef" in schema or "$recursiveRef" in schema:
            self.delegate(ctx, "$dynamicRef")
            return ir.AnyT()
        base = self.lower_base(schema, ctx, declaring)
        return self.lower_combinators(schema, ctx, base, declaring)

    def lower_base(
        self, schema: dict[str, Any], ctx: Ctx, declaring: ir.TypeName | None
    ) -> ir.IrType:
        """The type from ``type``, ``enum``/``const`` and the per-kind keywords."""
        declared = types_of(schema)
        kinds: list[ir.JsonKind]
        if declared is None:
            kinds = [
                k
                for k in ALL_KINDS
                if KIND_KEYWORDS.get(k, frozenset()) & schema.keys()
            ]
        else:
            kinds = [
                k
                for k in ALL_KINDS
                if k in declared or (k == "number" and "integer" in declared)
            ]
        integer_only = (
            declared is not None and "integer" in declared and "number" not in declared
        )
        if "enum" in schema or "const" in schema:
            return self.lower_values(
                schema, ctx, declared, kinds, integer_only, declaring
            )
        members: list[ir.IrType] = []
        object_name = declaring
        if (
            declaring is not None
            and "object" in kinds
            and (declared is None or len(kinds) > 1)
        ):
            # An untyped schema, or one of several types, also accepts
            # non-objects: the declared name is the union, and the object part
            # gets a name of its own.
            object_name = self.reserve_variant(ctx, declaring, "Object")
        for kind in kinds:
            owner = object_name if kind == "object" else declaring
            members.append(self.lower_kind(kind, schema, ctx, integer_only, owner))
        if declared is None:
            if not members:
                return ir.AnyT()
            members.append(ir.AnyT(exclude=frozenset(kinds)))
        return union_of(members)

    def lower_values(
        self,
        schema: dict[str, Any],
        ctx: Ctx,
        declared: set[str] | None,
        kinds: list[ir.JsonKind],
        integer_only: bool,
        declaring: ir.TypeName | None,
    ) -> ir.IrType:
        values: list[Any] = (
            [schema["const"]] if "const" in schema else list(schema["enum"])
        )
        if "const" in schema and "enum" in schema:
            self.delegate(ctx, "enum")
        if declared is not None:
            values = [
                v
                for v in values
                if json_kind(v) in kinds
                and not (integer_only and isinstance(v, float) and not v.is_integer())
            ]
        constraints = (
            schema.keys() - ANNOTATIONS - COMBINATORS - {"enum", "const", "type"}
        )
        if constraints:
            self.delegate(ctx, "enum" if "enum" in schema else "const")
        if not values:
            return ir.NeverT()
        if all(is_scalar(v) for v in values):
            unique = list(
                dict.fromkeys((type(scalar(v)) is bool, scalar(v)) for v in values)
            )
            return ir.LiteralT(tuple(v for _, v in unique))
        value_kinds = {json_kind(v) for v in values}
        base = union_of(
            [
                self.lower_kind(k, {}, ctx, False, None)
                for k in ALL_KINDS
                if k in value_kinds
            ]
        )
        return ir.ValuesT(base, tuple(values))

    def lower_kind(
        self,
        kind: ir.JsonKind,
        schema: dict[str, Any],
        ctx: Ctx,
        integer_only: bool,
        declaring: ir.TypeName | None,
    ) -> ir.IrType:
        if kind == "null":
            return ir.NullT()
        if kind == "boolean":
            return ir.BoolT()
        if kind == "string":
            return ir.StrT(
                min_length=int_or_none(schema.get("minLength")),
                max_length=int_or_none(schema.get("maxLength")),
                pattern=schema.get("pattern"),
                format=asserted_format(schema.get("format")),
            )
        if kind == "number":
            return ir.NumericT(
                integer=integer_only,
                minimum=schema.get("minimum"),
                maximum=schema.get("maximum"),
                exclusive_minimum=schema.get("exclusiveMinimum"),
                exclusive_maximum=schema.get("exclusiveMaximum"),
                multiple_of=schema.get("multipleOf"),
            )
        if kind == "array":
            return self.lower_array(schema, ctx)
        return self.lower_object(schema, ctx, declaring)

    def lower_array(self, schema: dict[str, Any], ctx: Ctx) -> ir.IrType:
        items: Any = schema.get("items", True)
        prefix = schema.get("prefixItems")
        if ctx.draft == "7" and isinstance(items, list):
            prefix, items = items, schema.get("additionalItems", True)
            if prefix:
                self.delegate(ctx, "items")
            item_type: ir.IrType = ir.AnyT()
        elif prefix:
            self.delegate(ctx, "prefixItems")
            item_type = ir.AnyT()
        else:
            item_type = self.lower(items, self.child(schema, ctx, "items"))
            if isinstance(item_type, ir.NeverT):
                self.delegate(ctx, "items")
                item_type = ir.AnyT()
        for keyword in ("contains", "unevaluatedItems"):
            if keyword in schema:
                self.delegate(ctx, keyword)
        return ir.ArrayT(
            item_type,
            min_items=int_or_none(schema.get("minItems")),
            max_items=int_or_none(schema.get("maxItems")),
            unique_items=schema.get("uniqueItems") is True,
        )

    def lower_object(
        self, schema: dict[str, Any], ctx: Ctx, declaring: ir.TypeName | None
    ) -> ir.IrType:
        props = schema.get("properties", {})
        required = list(dict.fromkeys(schema.get("required", [])))
        additional = schema.get("additionalProperties", True)
        patterns = schema.get("patternProperties")
        keys = self._key_type(schema.get("propertyNames"), ctx.draft)
        if props or required or patterns:
            keys = None
        for keyword in ("propertyNames", "dependentSchemas", "unevaluatedProperties"):
            if keyword in schema and not (keyword == "propertyNames" and keys):
                self.delegate(ctx, keyword)
        dependencies = schema.get("dependencies", {}) if ctx.draft == "7" else {}
        dependent: dict[str, list[str]] = dict(schema.get("dependentRequired", {}))
        for key, dep in dependencies.items():
            if isinstance(dep, list):
                dependent[key] = dep
            else:
                self.delegate(ctx, "dependencies")
        if patterns:
            self.delegate(ctx, "patternProperties")
        min_p = int_or_none(schema.get("minProperties"))
        max_p = int_or_none(schema.get("maxProperties"))
        if not props and not required:
            if patterns:
                values: ir.IrType = ir.AnyT()
            elif additional is False:
                return ir.MapT(ir.AnyT(), min_p, 0)
            else:
                values = self.lower(
                    additional, self.child(schema, ctx, "additionalProperties")
                )
            if dependent:
                self.delegate(ctx, "dependentRequired")
            return ir.MapT(values, min_p, max_p, keys)
        name = (
            declaring if declaring is not None else self.reserve(ctx.file, ctx.pointer)
        )
        if name in self.decls:
            return ir.Ref(name)
        if declaring is None:
            self._current.append(name)
            self.full_check.setdefault(name, set())
        try:
            return self._object_decl(
                schema,
                ctx,
                name,
                props,
                required,
                additional,
                patterns,
                dependent,
                min_p,
                max_p,
            )
        finally:
            if declaring is None:
                self._current.pop()

    def _object_decl(
        self,
        schema: dict[str, Any],
        ctx: Ctx,
        name: ir.TypeName,
        props: dict[str, Any],
        required: list[str],
        additional: Any,
        patterns: Any,
        dependent: dict[str, list[str]],
        min_p: int | None,
        max_p: int | None,
    ) -> ir.IrType:
        json_names = list(props) + [r for r in required if r not in props]
        py_names = unique_field_names(json_names)
        fields: list[ir.Field] = []
        # self.child(schema, ctx, "properties", json_name), spelt out (hot: a call
        # per property)
        here = ctx.pointer + "/properties"
        descend, resolver, draft = self.graph.descend, ctx.resolver, ctx.draft
        for json_name in json_names:
            sub = props.get(json_name, True)
            sub_ctx = Ctx(
                ctx.file,
                pointer_join(here, json_name),
                descend(resolver, sub, draft),
                draft,
            )
            t = self.lower(sub, sub_ctx)
            if isinstance(t, ir.NeverT):
                if additional is not False or patterns:
                    self.delegate(sub_ctx, "")
                continue
            default = None
            if isinstance(sub, dict) and "default" in sub:
                default = ir.Default(sub["default"])
            fields.append(
                ir.Field(
                    json_name,
                    py_names[json_name],
                    t,
                    json_name in required,
                    default,
                    docs_of(sub),
                )
            )
        if patterns:
            extra: ir.IrType | None = ir.AnyT()
        elif additional is False:
            extra = None
        else:
            extra = self.lower(
                additional, self.child(schema, ctx, "additionalProperties")
            )
            if isinstance(extra, ir.NeverT):
                extra = None
        self.decls[name] = ir.ObjectDecl(
            name,
            f"{ctx.file}#{ctx.pointer}",
            tuple(fields),
            extra,
            docs_of(schema),
            tuple((k, tuple(v)) for k, v in dependent.items()),
            min_p,
            max_p,
        )
        return ir.Ref(name)

    def lower_combinators(
        self,
        schema: dict[str, Any],
        ctx: Ctx,
        base: ir.IrType,
        declaring: ir.TypeName | None,
    ) -> ir.IrType:
        if "not" in schema:
            self.delegate(ctx, "not")
        if "if" in schema and ("then" in schema or "else" in schema):
            self.delegate(ctx, "if")
        if "allOf" in schema:
            self.delegate(ctx, "allOf")
            if (
                isinstance(base, ir.AnyT)
                and not base.exclude
                and types_of(schema) is None
            ):
                for i, member in enumerate(schema["allOf"]):
                    if isinstance(member, dict) and (
                        "$ref" in member or "type" in member
                    ):
                        base = self.lower(member, self.child(schema, ctx, "allOf", i))
                        break
        for keyword in ("anyOf", "oneOf"):
            if keyword not in schema:
                continue
            members_raw = schema[keyword]
            only_type = set(schema.keys()) - ANNOTATIONS - COMBINATORS <= {"type"}
            if not (isinstance(base, ir.AnyT) or only_type) or not all(
                isinstance(m, bool) or is_member_type(m) for m in members_raw
            ):
                self.delegate(ctx, keyword)
                continue
            members = [
                self.lower(m, self.child(schema, ctx, keyword, i))
                for i, m in enumerate(members_raw)
            ]
            tag = const_discriminator(members, self.decls)
            if tag is not None:
                self.tagged[(ctx.file, ctx.pointer)] = (keyword, tag)
            union, apart = union_told_apart(members, tag, self.decls)
            if keyword == "oneOf" and not apart:
                self.delegate(ctx, keyword)
            if only_type and not isinstance(base, ir.AnyT):
                allowed = set(types_of(schema) or ())
                if not all(
                    kinds(m, self.decls) <= kinds_of_types(allowed) for m in members
                ):
                    self.delegate(ctx, "type")
            base = union
        return base

    def _key_type(self, names: Any, draft: Draft) -> ir.StrT | None:
        """``propertyNames`` as a string type, when it only constrains strings."""
        if not isinstance(names, dict) or "$ref" in names:
            return None
        asserted = asserting(names, draft)
        if not asserted or asserted - {"type", *STRING_KEYWORDS}:
            return None
        if names.get("type", "string") != "string":
            return None
        return ir.StrT(
            min_length=int_or_none(names.get("minLength")),
            max_length=int_or_none(names.get("maxLength")),
            pattern=names.get("pattern"),
            format=asserted_format(names.get("format")),
        )
