"""The applicators of a precompiled validator (validators.py) whose branches are
judged apart, each by the function of its location: anyOf, oneOf (plain, or tagged
with Ajv's discriminator), not, if/then/else, contains and the dependencies. Their
bookkeeping is Ajv's, as written, so the errors kept are the ones Ajv keeps.
"""

from __future__ import annotations

from typing import Any

from codegen.typescript.check_keywords import (
    Keywords,
    Unmodelled,
    count,
    esc,
    lit,
    trivial,
)


class Applicators(Keywords):
    """The applicators; validators._Module provides locations and hoisting."""

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
        """dependentRequired, dependentSchemas and draft-07's dependencies."""
        for keyword in ("dependentRequired", "dependencies", "dependentSchemas"):
            deps = schema.get(keyword, {})
            if not isinstance(deps, dict):
                raise Unmodelled(f"{uri}#{at}: {keyword}")
            for prop, need in deps.items():
                has = f"$.has({x}, {lit(prop)})"
                if isinstance(need, list) and keyword != "dependentSchemas":
                    if not need:
                        continue
                    shown = ", ".join(str(n) for n in need)
                    out.append(f"{ind}if ({has}) {{")
                    for dep in need:
                        params = (
                            f"{{property: {lit(prop)}, missingProperty: {lit(dep)}, "
                            f"depsCount: {len(need)}, deps: {lit(shown)}}}"
                        )
                        cond = f"!$.has({x}, {lit(dep)})"
                        self.fail(out, ind + "  ", cond, keyword, path, params)
                    out.append(f"{ind}}}")
                elif keyword != "dependentRequired" and isinstance(need, (dict, bool)):
                    if trivial(need):
                        continue
                    fn = self.location(uri, f"{at}/{keyword}/{esc(prop)}")
                    out.append(f"{ind}if ({has}) {{")
                    self.call(out, ind + "  ", fn, x, path)
                    out.append(f"{ind}}}")
                else:
                    raise Unmodelled(f"{uri}#{at}: {keyword}")

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
        low: int = 1
        high: int | None = None
        if self.draft == "2020-12":
            if "minContains" in schema:
                low = count(schema, "minContains")
            if "maxContains" in schema:
                high = count(schema, "maxContains")
        if high is None and low == 0:
            return  # Ajv ignores it
        fn = self.location(uri, f"{at}/contains")
        e = self.var()
        if high is None:
            message = lit(f"must contain at least {low} valid item(s)")
            params = f"{{minContains: {low}}}"
        else:
            message = lit(
                f"must contain at least {low} and no more than {high} valid item(s)"
            )
            params = f"{{minContains: {low}, maxContains: {high}}}"
        out.append(f"{ind}{{")
        out.append(f"{ind}  const {e} = E && [];")
        bound = "undefined" if high is None else str(high)
        cond = f"!$.contains({x}, {fn}, {self.arg(path, e)}, {e}, {low}, {bound})"
        self.fail(
            out, ind + "  ", cond, "contains", path, params,
            message=message, before=e,
        )  # fmt: skip
        out.append(f"{ind}}}")

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
        if "anyOf" in schema:
            fns = [
                self.location(uri, f"{at}/anyOf/{i}")
                for i in range(len(schema["anyOf"]))
            ]
            e = self.var()
            calls = " || ".join(f"{f}({x}, {self.arg(path, e)}, {e})" for f in fns)
            out.append(f"{ind}{{")
            out.append(f"{ind}  const {e} = E && [];")
            message = lit("must match a schema in anyOf")
            self.fail(
                out, ind + "  ", f"!({calls or 'false'})", "anyOf", path,
                message=message, before=e,
            )  # fmt: skip
            out.append(f"{ind}}}")
        if "oneOf" in schema and "discriminator" not in schema:
            fns = [
                self.location(uri, f"{at}/oneOf/{i}")
                for i in range(len(schema["oneOf"]))
            ]
            e, ok, ps, s = self.var(), self.var(), self.var(), self.var()
            out.append(f"{ind}{{")
            out.append(f"{ind}  const {e} = E && [];")
            out.append(f"{ind}  let {ok} = false, {ps} = null, {s};")
            # Ajv's bookkeeping: a second passing branch ends the loop (the
            # branches after it are not tried, and their errors not kept).
            out.append(f"{ind}  {s}_: {{")
            for i, f in enumerate(fns):
                out.append(f"{ind}    {s} = {f}({x}, {self.arg(path, e)}, {e});")
                if i:
                    out.append(
                        f"{ind}    if ({s} && {ok}) "
                        f"{{ {ok} = false; {ps} = [{ps}, {i}]; break {s}_; }}"
                    )
                out.append(f"{ind}    if ({s}) {{ {ok} = true; {ps} = {i}; }}")
            out.append(f"{ind}  }}")
            message = lit("must match exactly one schema in oneOf")
            self.fail(
                out, ind + "  ", f"!{ok}", "oneOf", path, f"{{passingSchemas: {ps}}}",
                message=message, before=e,
            )  # fmt: skip
            out.append(f"{ind}}}")

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
        if "not" in schema:
            fn = self.location(uri, f"{at}/not")
            message = lit("must NOT be valid")
            self.fail(out, ind, f"{fn}({x})", "not", path, message=message)
        if "if" in schema:
            then = "then" in schema and not trivial(schema["then"])
            other = "else" in schema and not trivial(schema["else"])
            if not (then or other):
                return
            test = self.location(uri, f"{at}/if")
            out.append(f"{ind}if ({test}({x})) {{")
            for word, present in (("then", then), ("else", other)):
                if word == "else":
                    out.append(f"{ind}}} else {{")
                if not present:
                    continue
                fn = self.location(uri, f"{at}/{word}")
                cond = f"!{fn}({x}, {self.arg(path)}, E)"
                self.fail(
                    out, ind + "  ", cond, "if", path,
                    f"{{failingKeyword: {lit(word)}}}",
                    message=lit(f'must match "{word}" schema'),
                )  # fmt: skip
            out.append(f"{ind}}}")

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
        """A oneOf with Ajv's discriminator (objects only): the branch the tag names."""
        disc = schema.get("discriminator")
        tag = disc.get("propertyName") if isinstance(disc, dict) else None
        if not isinstance(tag, str):
            raise Unmodelled(f"{uri}#{at}: oneOf")
        branches: list[tuple[list[str], str]] = []
        for i, member in enumerate(schema["oneOf"]):
            values = self.tag_values(member, tag, uri)
            branches.append((values, self.location(uri, f"{at}/oneOf/{i}")))
        seen = [v for values, _ in branches for v in values]
        if len(set(seen)) != len(seen):
            raise Unmodelled(f"{uri}#{at}: tags repeat")
        t = self.var()
        out.append(f"{ind}{{")
        out.append(f"{ind}  const {t} = {x}[{lit(tag)}];")
        params = f"{{error: {{e}}, tag: {lit(tag)}, tagValue: {t}}}"
        first = "if"
        for values, fn in branches:
            test = " || ".join(f"{t} === {lit(v)}" for v in values)
            out.append(f'{ind}  {first} (typeof {t} === "string" && ({test})) {{')
            self.call(out, ind + "    ", fn, x, path)
            first = "} else if"
        out.append(f'{ind}  }} else if (typeof {t} === "string") {{')
        self.fail(out, ind + "    ", "true", "discriminator", path,
                  params.replace("{e}", '"mapping"'))  # fmt: skip
        out.append(f"{ind}  }} else {{")
        self.fail(out, ind + "    ", "true", "discriminator", path,
                  params.replace("{e}", '"tag"'))  # fmt: skip
        out.append(f"{ind}  }}")
        out.append(f"{ind}}}")

    def tag_values(self, member: Any, tag: str, uri: str) -> list[str]:
        """The strings a branch fixes its tag to (through one lone $ref), as Ajv's
        discriminator reads them."""
        if isinstance(member, dict) and "$ref" in member:
            base, pointer = self.target(member["$ref"], uri)
            member = self.resolve(base, pointer)
        prop = (
            member.get("properties", {}).get(tag) if isinstance(member, dict) else None
        )
        if not isinstance(prop, dict):
            raise Unmodelled("discriminator branch")
        if prop.get("const"):
            values = [prop["const"]]
        elif isinstance(prop.get("enum"), list):
            values = list(prop["enum"])
        else:
            raise Unmodelled("discriminator branch")
        if not values or not all(isinstance(v, str) for v in values):
            raise Unmodelled("discriminator branch")
        return [str(v) for v in values]
