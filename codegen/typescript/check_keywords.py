"""The JavaScript of each assertion keyword in a precompiled validator (validators.py).

Each emitter writes statements into a function ``v(x, p, E)``: a failed assertion
returns false when ``E`` is undefined and otherwise pushes the error object Ajv
reports for it (keyword, instancePath, params, and message where the runtime's
wording reads it) and goes on, as Ajv's ``allErrors`` does. An instance path is a
JavaScript expression, evaluated only when an error is pushed. Applicators whose
branches are judged apart (anyOf, oneOf, not, if, contains, dependentSchemas) call
the function of the branch's location (check_applicators.py); the others are
written inline.
"""

from __future__ import annotations

import functools
from typing import Any

from codegen.compiler import ir
from codegen.typescript.check_js import (
    LOCAL,
    NAME,
    NOT_TYPES,
    TYPES,
    Unmodelled,
    child,
    count,
    esc,
    has_ref,
    lit,
    operand,
    scalar,
    trivial,
)

__all__ = ["FORMATS", "Keywords", "Unmodelled", "count", "esc", "lit", "trivial"]


# Keywords of either draft that no emitter models: a contract reaching one is left
# to Ajv. (2019's $recursive* and "nullable" are no keywords of the runtime's Ajv
# drafts but change nothing here only if absent; refused to stay on the safe side.)
_UNMODELLED = frozenset(
    {
        "unevaluatedItems", "unevaluatedProperties", "$dynamicRef", "$dynamicAnchor",
        "$recursiveRef", "$recursiveAnchor", "nullable",
    }
)  # fmt: skip
# Keywords of draft 2020-12 that Ajv's draft-07 engine does not know (and the reverse):
# refused rather than ignored.
_ONLY_2020 = frozenset(
    {"prefixItems", "dependentRequired", "dependentSchemas", "minContains",
     "maxContains"}
)  # fmt: skip
_ONLY_7 = frozenset({"additionalItems"})
# In a propertyNames subschema Ajv writes its applicators inline (their errors carry
# the property name); these ones are left to Ajv there.
_NOT_IN_NAMES = frozenset({"anyOf", "oneOf", "not", "if"})
# What check() refuses in a file of each draft (tested as sets, then in order).
_REFUSED_2020 = _UNMODELLED | _ONLY_7
_REFUSED_7 = _UNMODELLED | _ONLY_2020
# The keywords that make objects() and arrays() write anything.
_OBJECT_KEYS = frozenset(
    {"properties", "required", "additionalProperties", "propertyNames",
     "minProperties", "maxProperties", "dependentRequired", "dependentSchemas",
     "dependencies", "patternProperties", "discriminator"}
)  # fmt: skip
_NUMBER_KEYS = frozenset(
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
)
_STRING_KEYS = frozenset({"minLength", "maxLength", "pattern", "format"})
_ARRAY_KEYS = frozenset(
    {"items", "prefixItems", "additionalItems", "minItems", "maxItems",
     "uniqueItems", "contains"}
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


@functools.lru_cache(maxsize=65536)
def _hoistable(params: str) -> bool:
    """Whether an error's params literal holds no local variable of a generated
    function (then one constant per module serves every failure). Cached: most
    literals repeat (85,000 failures, far fewer literals, at 1,000 schemas)."""
    return not LOCAL.search(params)


class Keywords:
    """The keyword emitters; validators._Module provides locations and hoisting."""

    draft: str
    bundles: dict[str, ir.Bundle]

    def location(self, uri: str, pointer: str) -> str:
        raise NotImplementedError

    def resolve(self, uri: str, pointer: str) -> Any:
        raise NotImplementedError

    def target(self, ref: Any, uri: str) -> tuple[str, str]:
        raise NotImplementedError

    def var(self) -> str:
        raise NotImplementedError

    def constant(self, value: Any) -> str:
        raise NotImplementedError

    def pattern(self, source: str) -> str:
        raise NotImplementedError

    def hoisted(self, params: str) -> str:
        """A module constant holding the JavaScript object literal ``params``."""
        raise NotImplementedError

    def dependencies(
        self,
        schema: dict[str, Any],
        x: str,
        path: str,
        uri: str,
        at: str,
        out: list[str],
        ind: str,
    ) -> None:
        raise NotImplementedError

    def contains(
        self,
        schema: dict[str, Any],
        x: str,
        path: str,
        uri: str,
        at: str,
        out: list[str],
        ind: str,
    ) -> None:
        raise NotImplementedError

    def unions(
        self,
        schema: dict[str, Any],
        x: str,
        path: str,
        uri: str,
        at: str,
        out: list[str],
        ind: str,
    ) -> None:
        raise NotImplementedError

    def conditions(
        self,
        schema: dict[str, Any],
        x: str,
        path: str,
        uri: str,
        at: str,
        out: list[str],
        ind: str,
    ) -> None:
        raise NotImplementedError

    def tagged(
        self,
        schema: dict[str, Any],
        x: str,
        path: str,
        uri: str,
        at: str,
        out: list[str],
        ind: str,
    ) -> None:
        raise NotImplementedError

    # -- errors ------------------------------------------------------------------

    def fail(
        self,
        out: list[str],
        ind: str,
        cond: str,
        keyword: str,
        path: str,
        params: str = "{}",
        *,
        message: str | None = None,
        name: str | None = None,
        before: str | None = None,
    ) -> None:
        """``if (cond)``: return false, or push Ajv's error (after the errors of
        ``before``, branches Ajv keeps) and go on: ``$.fail`` is true without E."""
        if params != "{}" and _hoistable(params):
            params = self.hoisted(params)  # one object per module, not per failure
        call = f"$.fail(E, {lit(keyword)}, {path}, {params}"
        if message is not None or name is not None or before is not None:
            call += f", {message or 'undefined'}"
            if name is not None or before is not None:
                call += f", {name or 'undefined'}"
                if before is not None:
                    call += f", {before}"
        if cond == "true":
            out.append(f"{ind}if ({call})) return false;")
        else:
            out.append(f"{ind}if ({operand(cond)} && {call})) return false;")

    @staticmethod
    def arg(path: str, errors: str = "E") -> str:
        """The path argument of a call: computed only when errors are collected."""
        return path if NAME.match(path) else f"{errors} && ({path})"

    def call(self, out: list[str], ind: str, fn: str, x: str, path: str) -> None:
        out.append(
            f"{ind}if (!{fn}({x}, {self.arg(path)}, E) && E === undefined) "
            "return false;"
        )

    # -- one schema ----------------------------------------------------------------

    def check(
        self,
        schema: Any,
        x: str,
        path: str,
        uri: str,
        at: str,
        out: list[str],
        ind: str,
        name: str | None,
    ) -> None:
        """Statements validating ``x`` (at instance path ``path``) against ``schema``
        (at ``uri#at``); ``name``: the key variable inside a propertyNames."""
        if trivial(schema):
            return
        if schema is False:
            self.fail(out, ind, "true", "false schema", path, name=name)
            return
        if not isinstance(schema, dict):
            raise Unmodelled(f"{uri}#{at}: not a schema")
        refused = _REFUSED_2020 if self.draft == "2020-12" else _REFUSED_7
        if name is not None:
            refused = refused | _NOT_IN_NAMES
        if not schema.keys().isdisjoint(refused):  # then name the first, in order
            other = _ONLY_7 if self.draft == "2020-12" else _ONLY_2020
            for key in schema:
                if key in _UNMODELLED or key in other:
                    raise Unmodelled(f"{uri}#{at}: {key}")
                if name is not None and key in _NOT_IN_NAMES:
                    raise Unmodelled(f"{uri}#{at}: {key} in propertyNames")
        if "$ref" in schema:
            base, pointer = self.target(schema["$ref"], uri)
            if name is not None:
                # Ajv inlines a target without references, else calls its function
                # (whose errors then lack the property name): only the first here.
                sub = self.resolve(base, pointer)
                if has_ref(sub):
                    raise Unmodelled(f"{uri}#{at}: $ref in propertyNames")
                self.check(sub, x, path, base, pointer, out, ind, name)
            else:
                self.call(out, ind, self.location(base, pointer), x, path)
            if self.draft == "7":
                # draft-07 ignores the keywords beside a $ref (the bundle leaves out
                # the "type" that Ajv's draft-07 engine would still check there).
                return
        types = schema.get("type")
        if types is not None:
            names = [types] if isinstance(types, str) else list(types)
            if not names or any(t not in TYPES for t in names):
                raise Unmodelled(f"{uri}#{at}: type {types!r}")
            if len(names) == 1:
                cond = NOT_TYPES[names[0]].format(x=x)
            else:
                cond = (
                    "!(" + " || ".join(f"({TYPES[t].format(x=x)})" for t in names) + ")"
                )
            params = f"{{type: {lit(types)}}}"
            self.fail(out, ind, cond, "type", path, params, name=name)
        self.values(schema, x, path, uri, at, out, ind, name)
        self.numbers(schema, x, path, out, ind, name)
        self.strings(schema, x, path, out, ind, name)
        if name is None:
            self.objects(schema, x, path, uri, at, out, ind)
            self.arrays(schema, x, path, uri, at, out, ind)
        for i, member in enumerate(schema.get("allOf", [])):
            self.check(member, x, path, uri, f"{at}/allOf/{i}", out, ind, name)
        self.unions(schema, x, path, uri, at, out, ind)
        self.conditions(schema, x, path, uri, at, out, ind)

    def values(
        self,
        schema: dict[str, Any],
        x: str,
        path: str,
        uri: str,
        at: str,
        out: list[str],
        ind: str,
        name: str | None,
    ) -> None:
        for key in ("enum", "const"):
            if key not in schema:
                continue
            values = schema[key] if key == "enum" else [schema[key]]
            if not isinstance(values, list):
                raise Unmodelled(f"{uri}#{at}: {key}")
            tests = [
                f"{x} === {lit(v)}"
                if scalar(v)
                else f"$.equal({x}, {self.constant(v)})"
                for v in values
            ]
            test = " || ".join(tests) or "false"
            if key == "enum":
                params = f"{{allowedValues: {self.constant(values)}}}"
            else:
                given = schema[key]
                shown = lit(given) if scalar(given) else self.constant(given)
                params = f"{{allowedValue: {shown}}}"
            self.fail(out, ind, f"!({test})", key, path, params, name=name)

    def numbers(
        self,
        schema: dict[str, Any],
        x: str,
        path: str,
        out: list[str],
        ind: str,
        name: str | None,
    ) -> None:
        if schema.keys().isdisjoint(_NUMBER_KEYS):
            return
        inner: list[str] = []
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
                params = f"{{comparison: {lit(op)}, limit: {lit(bound)}}}"
                cond = f"!({x} {op} {lit(bound)})"
                self.fail(inner, ind + "  ", cond, key, path, params, name=name)
        if "multipleOf" in schema:
            divisor = schema["multipleOf"]
            if not isinstance(divisor, (int, float)) or isinstance(divisor, bool):
                raise Unmodelled("multipleOf")
            cond = f"!$.isMultiple({x}, {lit(divisor)})"
            params = f"{{multipleOf: {lit(divisor)}}}"
            self.fail(inner, ind + "  ", cond, "multipleOf", path, params, name=name)
        if inner:
            out.append(f'{ind}if (typeof {x} === "number" && isFinite({x})) {{')
            out += inner
            out.append(f"{ind}}}")

    def strings(
        self,
        schema: dict[str, Any],
        x: str,
        path: str,
        out: list[str],
        ind: str,
        name: str | None,
    ) -> None:
        if schema.keys().isdisjoint(_STRING_KEYS):
            return
        inner: list[str] = []
        i2 = ind + "  "
        if "minLength" in schema:
            n = count(schema, "minLength")
            cond = f"{x}.length < {2 * n} && $.length({x}) < {n}"
            self.fail(inner, i2, cond, "minLength", path, f"{{limit: {n}}}", name=name)
        if "maxLength" in schema:
            n = count(schema, "maxLength")
            cond = f"{x}.length > {n} && $.length({x}) > {n}"
            self.fail(inner, i2, cond, "maxLength", path, f"{{limit: {n}}}", name=name)
        if isinstance(schema.get("pattern"), str):
            source = schema["pattern"]
            cond = f"!{self.pattern(source)}.test({x})"
            params = f"{{pattern: {lit(source)}}}"
            self.fail(inner, i2, cond, "pattern", path, params, name=name)
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt in FORMATS:
            cond = f"!$.formats[{lit(fmt)}]({x})"
            params = f"{{format: {lit(fmt)}}}"
            self.fail(inner, i2, cond, "format", path, params, name=name)
        if inner:
            out.append(f'{ind}if (typeof {x} === "string") {{')
            out += inner
            out.append(f"{ind}}}")

    def objects(
        self,
        schema: dict[str, Any],
        x: str,
        path: str,
        uri: str,
        at: str,
        out: list[str],
        ind: str,
    ) -> None:
        if schema.keys().isdisjoint(_OBJECT_KEYS):
            return
        inner: list[str] = []
        i2 = ind + "  "
        props = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        if not isinstance(props, dict) or not isinstance(patterns, dict):
            raise Unmodelled(f"{uri}#{at}: properties")
        # Ajv skips a "__proto__" in properties; the runtime gives it the rule as
        # patternProperties "^__proto__$" (_runtime.ts's protoSafe): so here.
        matched = [
            (source, sub, f"{at}/patternProperties/{esc(source)}")
            for source, sub in patterns.items()
            if source != "^__proto__$" or "__proto__" not in props
        ]
        if "__proto__" in props:
            proto = (props["__proto__"], f"{at}/properties/__proto__")
            matched.append(("^__proto__$", *proto))
            props = {k: v for k, v in props.items() if k != "__proto__"}
        for prop in schema.get("required", []):
            cond = f"!$.has({x}, {lit(prop)})"
            params = f"{{missingProperty: {lit(prop)}}}"
            self.fail(inner, i2, cond, "required", path, params)
        self.dependencies(schema, x, path, uri, at, inner, i2)
        for key, op in (("minProperties", "<"), ("maxProperties", ">")):
            if key in schema:
                n = count(schema, key)
                cond = f"Object.keys({x}).length {op} {n}"
                self.fail(inner, i2, cond, key, path, f"{{limit: {n}}}")
        for prop, sub in props.items():
            if trivial(sub):
                continue
            y = self.var()
            inner.append(f"{i2}if ($.has({x}, {lit(prop)})) {{")
            inner.append(f"{i2}  const {y} = {x}[{lit(prop)}];")
            pointer = f"{at}/properties/{esc(prop)}"
            self.check(sub, y, child(path, prop), uri, pointer, inner, i2 + "  ", None)
            inner.append(f"{i2}}}")
        for source, sub, pointer in matched:
            if trivial(sub):
                continue
            k, y = self.var(), self.var()
            inner.append(f"{i2}for (const {k} of Object.keys({x})) {{")
            inner.append(f"{i2}  if (!{self.pattern(source)}.test({k})) continue;")
            inner.append(f"{i2}  const {y} = {x}[{k}];")
            q = self.var()
            inner.append(f'{i2}  const {q} = E && ({path} + "/" + $.esc({k}));')
            self.check(sub, y, q, uri, pointer, inner, i2 + "  ", None)
            inner.append(f"{i2}}}")
        names = schema.get("propertyNames", True)
        if not trivial(names):
            k, m = self.var(), self.var()
            inner.append(f"{i2}for (const {k} of Object.keys({x})) {{")
            inner.append(f"{i2}  const {m} = E === undefined ? 0 : E.length;")
            self.check(names, k, path, uri, f"{at}/propertyNames", inner, i2 + "  ", k)
            params = f"{{propertyName: {k}}}"
            message = lit("property name must be valid")
            inner.append(
                f"{i2}  if (E !== undefined && E.length > {m}) "
                f'$.fail(E, "propertyNames", {path}, {params}, {message});'
            )
            inner.append(f"{i2}}}")
        extra = schema.get("additionalProperties", True)
        if not trivial(extra):
            k = self.var()
            known = [f"{k} === {lit(n)}" for n in props]
            known += [f"{self.pattern(s)}.test({k})" for s, _, _ in matched]
            inner.append(f"{i2}for (const {k} of Object.keys({x})) {{")
            if known:
                inner.append(f"{i2}  if ({' || '.join(known)}) continue;")
            if extra is False:
                params = f"{{additionalProperty: {k}}}"
                self.fail(
                    inner, i2 + "  ", "true", "additionalProperties", path, params
                )
            else:
                y = self.var()
                inner.append(f"{i2}  const {y} = {x}[{k}];")
                here = self.var()
                inner.append(f'{i2}  const {here} = E && ({path} + "/" + $.esc({k}));')
                pointer = f"{at}/additionalProperties"
                self.check(extra, y, here, uri, pointer, inner, i2 + "  ", None)
            inner.append(f"{i2}}}")
        if "oneOf" in schema and "discriminator" in schema:
            self.tagged(schema, x, path, uri, at, inner, i2)
        if inner:
            out.append(f"{ind}if ({TYPES['object'].format(x=x)}) {{")
            out += inner
            out.append(f"{ind}}}")

    def arrays(
        self,
        schema: dict[str, Any],
        x: str,
        path: str,
        uri: str,
        at: str,
        out: list[str],
        ind: str,
    ) -> None:
        if schema.keys().isdisjoint(_ARRAY_KEYS):
            return
        inner: list[str] = []
        i2 = ind + "  "
        for key, op in (("minItems", "<"), ("maxItems", ">")):
            if key in schema:
                n = count(schema, key)
                self.fail(
                    inner, i2, f"{x}.length {op} {n}", key, path, f"{{limit: {n}}}"
                )
        if self.draft == "7":
            prefix, rest, word, rest_word = (
                schema.get("items"), schema.get("additionalItems"), "items",
                "additionalItems",
            )  # fmt: skip
            if not isinstance(prefix, list):
                prefix, rest, rest_word = None, schema.get("items"), "items"
        else:
            prefix, rest, word, rest_word = (
                schema.get("prefixItems"), schema.get("items"), "prefixItems", "items",
            )  # fmt: skip
        if prefix is not None and not isinstance(prefix, list):
            raise Unmodelled(f"{uri}#{at}: {word}")
        for i, sub in enumerate(prefix or []):
            if trivial(sub):
                continue
            y = self.var()
            inner.append(f"{i2}if ({x}.length > {i}) {{")
            inner.append(f"{i2}  const {y} = {x}[{i}];")
            here = child(path, str(i))
            self.check(sub, y, here, uri, f"{at}/{word}/{i}", inner, i2 + "  ", None)
            inner.append(f"{i2}}}")
        start = len(prefix or [])
        if rest is False and prefix is not None:
            params = f"{{limit: {start}}}"
            self.fail(inner, i2, f"{x}.length > {start}", rest_word, path, params)
        elif rest is not None and not trivial(rest):
            if not isinstance(rest, (dict, bool)):
                raise Unmodelled(f"{uri}#{at}: {rest_word}")
            j, y = self.var(), self.var()
            inner.append(f"{i2}for (let {j} = {start}; {j} < {x}.length; {j}++) {{")
            inner.append(f"{i2}  const {y} = {x}[{j}];")
            here = self.var()
            inner.append(f'{i2}  const {here} = E && ({path} + "/" + {j});')
            self.check(rest, y, here, uri, f"{at}/{rest_word}", inner, i2 + "  ", None)
            inner.append(f"{i2}}}")
        if schema.get("uniqueItems") is True:
            self.unique(schema, x, path, inner, i2)
        if "contains" in schema:
            self.contains(schema, x, path, uri, at, inner, i2)
        if inner:
            out.append(f"{ind}if (Array.isArray({x})) {{")
            out += inner
            out.append(f"{ind}}}")

    def unique(
        self, schema: dict[str, Any], x: str, path: str, out: list[str], ind: str
    ) -> None:
        """Ajv's uniqueItems, its two loops: the indices it reports differ."""
        items = schema.get("items")
        kinds = items.get("type", []) if isinstance(items, dict) else []
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        scalar = bool(kinds) and not any(t in ("object", "array") for t in kinds)
        d = self.var()
        out.append(
            f"{ind}const {d} = $.duplicate({x}, {lit(kinds) if scalar else 'null'});"
        )
        params = f"{{i: {d}[0], j: {d}[1]}}"
        self.fail(out, ind, f"{d} !== null", "uniqueItems", path, params)
