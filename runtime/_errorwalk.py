"""The full check's violations without jsonschema: the same list, in the same
order and words, found by a walk of our own.

A refused message is worded from the full check's violations: of the message
(``Contracts.full_violations``) and of each branch of each union the union report
(runtime/_union_report.py) explains: about 146 schema locations per refused GitHub
webhook. Through ``jsonschema`` (runtime/_fullcheck.py) each builds a validator
per subschema, an error object per violation at every level it passes (copied
at each level from the errors remembered), and a walk of generators; and the
first refusal of a process imported ``jsonschema`` and ``referencing`` and built
their registry.

This walk follows jsonschema step by step: the keywords a subschema applies are
those runtime._fullcheck's validator class applies (runtime/_walk_keywords.py:
draft-07 reads nothing beside a ``$ref``), the class changes where a subschema
names its ``$schema`` as runtime._fullcheck's ``evolve`` changes it, the base
URI moves into a subschema with an ``$id`` where jsonschema's ``descend`` moves
it (not in ``not`` and ``if``, which ``evolve`` a validator in place), references
resolve as referencing resolves them, to a file, an embedded ``$id`` or an anchor
(runtime/_walk_uris.py), a union's branches are decided as runtime._fullcheck's
unions decide them (``doomed`` first, then whether the branch has a violation),
and every violation is worded by ``from_jsonschema`` from an error with the
fields jsonschema would give it. A keyword that descends and that it does not
follow (``contains``, ``propertyNames``, ``dependencies``, ``unevaluated*``,
dynamic references...) makes it give up (:class:`Unsupported`) for that
contract: jsonschema words it, as before. A package with a dynamic reference or
anchor or a draft-03/04 keyword has no walk, nor one whose ``$id`` s referencing
could hold otherwise (:func:`walk_of`).

The violations of each (class, base URI, subschema, value) are remembered while a
message is worded, as runtime._fullcheck remembers jsonschema's errors.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urldefrag, urljoin

from runtime._doomed import (
    EARLY_DRAFTS,
    AllFail,
    Test,
    followed_end,
    test_of,
    union_alone,
)
from runtime._violation_text import _shown, from_jsonschema
from runtime._walk_keywords import (
    _PHRASED,
    _UNSUPPORTED,
    LEAVES,
    Mode,
    Unsupported,
    Word,
    Words,
    _Error,
    _ref,
    _under,
    draft_named,
)
from runtime._walk_uris import SPECS, Registry, Spec, Unsure, crawled, moved
from runtime.errors import Violation

ROOT_URI = "file:///schemas/"
# In a schema's text: a dynamic reference keyword, or an escape that could spell
# one (runtime._fullcheck remembers no error in such a package).
DYNAMIC = ("$dynamicRef", "$recursiveRef", "\\u0024")
# In a schema's text: keywords that identify a subschema, or an escape that could
# spell them.
_IDENTIFYING = ('"$anchor"', '"$dynamicAnchor"', '"$recursiveAnchor"', "\\u")


_UNWALKABLE = (
    "dynamicAnchor", "$dynamicRef", "$recursiveRef", "\\u", '"$recursiveAnchor"',
    *EARLY_DRAFTS,
)  # fmt: skip


def unwalkable(text: str) -> bool:
    """Whether a schema file's text holds one of :data:`_UNWALKABLE`, in four
    scans instead of seven (each is 0.2-0.6 ms over the webhooks' 630 kB): the
    two dynamic words share "dynamic", the two recursive ones "$recursive",
    and the early drafts "draft-0" (which draft-07's ``$schema`` holds too:
    the digit after each one found is read)."""
    if "\\u" in text:
        return True
    if "dynamic" in text and ("dynamicAnchor" in text or "$dynamicRef" in text):
        return True
    if "$recursive" in text and (
        "$recursiveRef" in text or '"$recursiveAnchor"' in text
    ):
        return True
    at = text.find("draft-0")
    while at >= 0:
        if f"draft-0{text[at + 7 : at + 8]}" in EARLY_DRAFTS:
            return True
        at = text.find("draft-0", at + 7)
    return False


def identifies(text: str, contents: Any) -> bool:
    """Whether a schema file's JSON text may give a subschema a URI or an anchor
    that only a crawl of the registry finds: an anchor keyword, an ``$id`` below
    the top (or one that is an anchor, ``#name``), or an ``id`` of drafts 3 and
    4; false only when surely not."""
    own = isinstance(contents, dict) and isinstance(contents.get("$id"), str)
    if own and "#" in contents["$id"]:
        return True
    return (
        text.count('"$id"') > int(own)
        or any(word in text for word in _IDENTIFYING)
        or any(word in text for word in EARLY_DRAFTS)
    )


def walk_of(
    schemas: list[tuple[str, str, Any]], support: Any, memo: Any
) -> ErrorWalk | None:
    """The walk of a package's schema files (path, JSON text, parsed value), or
    None where it does not follow jsonschema surely: a file that may declare a
    dynamic anchor or hold a dynamic reference, or names an early draft, or
    resources referencing's registry would hold otherwise than the port of
    runtime/_walk_uris.py (see ``crawled`` there)."""
    files: list[tuple[str, Any, Spec]] = []
    canonical: dict[str, str] = {}
    drafts: dict[str, str] = {}
    crawl = False  # as runtime._fullcheck crawls: some subschema may be identified
    for path, text, parsed in schemas:
        # dynamicAnchor, DYNAMIC and EARLY_DRAFTS, each word once (a scan of the
        # webhooks' 630 kB text is 0.2-0.7 ms).
        if unwalkable(text):
            return None
        is_seven = isinstance(parsed, dict) and "draft-07" in str(
            parsed.get("$schema", "")
        )
        contents = parsed
        if isinstance(parsed, dict):
            # As the full check registers it: judged by its file's draft.
            contents = {k: v for k, v in parsed.items() if k != "$schema"}
        uri = ROOT_URI + path
        drafts[path] = "7" if is_seven else "2020-12"
        spec = SPECS[drafts[path]]
        canonical[path] = uri
        files.append((uri, contents, spec))
        try:
            declared = spec.id_of(contents)
        except Unsure:
            return None
        if declared is not None:
            canonical[path] = urldefrag(urljoin(uri, declared)).url
            files.append((canonical[path], contents, spec))
        # A subschema's $id (or a draft-07 anchor): crawled at once, as the
        # full check crawls (anchors alone are found by a crawl on a miss).
        crawl = crawl or text.count('"$id"') > (declared is not None)
        if declared is None and isinstance(contents, dict) and "$id" in contents:
            crawl = True  # an $id referencing reads not (draft 7: "#name", $ref)
    registry = crawled(files, crawl)
    if registry is None:
        return None
    return ErrorWalk(registry, canonical, drafts, support, memo)


class ErrorWalk:
    """The walk of one package's schema files (see :func:`walk_of`)."""

    def __init__(
        self,
        registry: Registry,
        canonical: dict[str, str],
        drafts: dict[str, str],
        support: Any,
        memo: Any,
    ) -> None:
        self.registry = registry  # the files and subschemas by URI, anchors
        self.canonical = canonical  # file -> the URI its $refs resolve from
        self.drafts = drafts  # file -> "7" or "2020-12"
        self.support = support
        self.memo = memo  # runtime.contracts' _Memo: errors and shown, per message
        self.unwalkable: set[str] = set()  # contracts the walk does not go through
        self._modes = {
            (draft, ours): Mode(draft, ours)
            for draft in ("7", "2020-12")
            for ours in (True, False)
        }
        self._switch: dict[tuple[str, Mode], Mode] = {}  # by $schema, from a mode
        self._tests: dict[tuple[str, int], tuple[Test | AllFail | None, Any]] = {}
        self._located: dict[tuple[str, str], Test | AllFail | None] = {}
        self._targets: dict[tuple[str, str], Any] = {}  # follow's, remembered
        self._plans: dict[tuple[Mode, int], Any] = {}  # see _plan
        # The base URI inside a subschema with an $id, by (draft, base, its id).
        self._moved: dict[tuple[str, str, int], str] = {}
        self.missing: dict[str, Words] = {}  # a required property's words
        # The expected phrase of an error whose phrase is its keyword's and
        # value's (and schema's) alone, remembered with them (see _worded).
        self._phrases: dict[tuple[Any, int, int], tuple[tuple[str, ...], Any, Any]] = {}

    def follow(self, base: str, ref: str) -> tuple[Any, str] | None:
        return self.registry.follow(base, ref)

    def violations(
        self, contract: str, instance: Any, keywords: frozenset[str] | None = None
    ) -> list[Violation] | None:
        """The violations of ``instance`` against a contract (``file#pointer``,
        the pointer as in a URI), only those of ``keywords`` when given: those
        ``from_jsonschema`` words from the errors of FullCheck's validator of
        the contract, in their order; None where the walk does not go (a
        keyword it does not follow: jsonschema is asked then, as before)."""
        words = self._words_of(contract, instance)
        if words is None:
            return None
        # One Violation per word while a message is worded: the union report
        # asks about locations whose words are mostly the same (a branch's
        # nested unions), and a Violation costs about a microsecond to make.
        made = self.memo.errors
        if made is None:
            made = {}
        out = []
        for word in words:
            if keywords is None or word[3] in keywords:
                key = (_MADE, word)
                found = made.get(key)
                if found is None:
                    found = made[key] = Violation(word[0], word[1], word[2])
                out.append(found)
        return out

    def passes(self, contract: str, instance: Any) -> bool | None:
        """Whether :meth:`violations` would find none (no Violation made)."""
        words = self._words_of(contract, instance)
        return None if words is None else not words

    def _words_of(self, contract: str, instance: Any) -> Words | None:
        if contract in self.unwalkable:
            return None
        path, _, fragment = contract.partition("#")
        mode = self._modes[(self.drafts[path], True)]
        target = self.canonical[path] + (f"#{fragment}" if fragment else "")
        try:
            # FullCheck's validator of a contract is {"$ref": target}: no base.
            return self.via_ref(mode, "", target, instance)
        except (Unsupported, RecursionError):
            self.unwalkable.add(contract)
            return None

    def doomed_at(self, path: str, pointer: str, instance: Any) -> bool:
        """FullCheck.doomed_at: whether the value surely fails the schema at a
        location (its type, a required property, a tag); False when unsure."""
        key = (path, pointer)
        if key not in self._located:
            # FullCheck.doomed_at follows {"$ref": "#pointer"} from the file's
            # URI: the schema there, then its chain, as a union branch's test.
            where = quote(pointer, safe="/~$!&'()*+,;=:@")
            found = self.follow(self.canonical[path], f"#{where}")
            self._located[key] = (
                self._test(found[1], found[0])
                if found is not None and isinstance(found[0], dict)
                else None
            )
        test = self._located[key]
        return test is not None and test.fails(instance)

    def _test(self, base: str, branch: dict[str, Any]) -> Test | AllFail | None:
        """FullCheck.doomed's test of a schema met at a base URI (a union's
        branch in the walk, a location the union report asks about), found
        once; and where the schema is a union alone, whether every branch
        surely fails (:class:`AllFail`; FullCheck walks those)."""
        key = (base, id(branch))
        found = self._tests.get(key)
        if found is None:  # the schema is kept with it, so its id stays its own
            self._tests[key] = (None, branch)  # unsure while found (a loop)
            end = followed_end(base, branch, self.follow)
            test: Test | AllFail | None = None
            if end is not None:
                node, at = end
                test = test_of(node)
                branches = union_alone(node) if test is None else None
                if branches is not None:
                    tests = [
                        self._test(at, b) if isinstance(b, dict) else None
                        for b in branches
                        if b is not False  # fails always: rules out nothing
                    ]
                    if all(t is not None for t in tests):
                        test = AllFail(tuple(t for t in tests if t is not None))
            found = self._tests[key] = (test, branch)
        return found[0]

    # -- the walk ----------------------------------------------------------------
    def words(self, mode: Mode, base: str, schema: Any, instance: Any) -> Words:
        """The violations of ``instance`` against ``schema`` met by a validator
        of ``mode`` whose references resolve from ``base``, pointers relative to
        the value, in jsonschema's order."""
        if schema is True:
            return ()
        if schema is False:
            return self._worded(_Error(None, None, instance, schema))
        if not isinstance(schema, dict):
            raise Unsupported
        if "$id" in schema:
            # jsonschema's descend: the resolver in the subresource (by the
            # draft of the class that descends, before the subschema's own).
            base = self._in_subresource(mode, base, schema)
        return self._walk(mode, base, schema, instance)

    def _walk(
        self, mode: Mode, base: str, schema: dict[str, Any], instance: Any
    ) -> Words:
        """The words of a schema, by its plan; remembered while a message is
        worded, unless the schema's keywords word the value alone (a leaf:
        most of a payload's members, for which remembering costs more) or it
        is a lone ``$ref`` (the words of its target are remembered)."""
        plan = self._plans.get((mode, id(schema)))
        if plan is None:
            plan = self._plan(mode, schema)
        if plan is _GIVE_UP:
            raise Unsupported
        switched, steps, leaf = plan
        remembered = None if leaf else self.memo.errors
        if remembered is not None:
            key = (_WALK, mode, base, id(schema), id(instance))
            found = remembered.get(key)
            if found is not None:
                return found[0]  # type: ignore[no-any-return]
        out: list[Word] = []
        for how, keyword, value in steps:
            how(self, switched, base, keyword, value, instance, schema, out)
        words = tuple(out) if out else ()
        if remembered is not None:
            remembered[key] = (words, schema, instance)
        return words

    def _plan(self, mode: Mode, schema: dict[str, Any]) -> Any:
        """The keywords a validator of ``mode`` applies to ``schema``, in its
        order, each with what does it (the class switched by its ``$schema``);
        _GIVE_UP where one is not followed. Made once per (mode, schema): most
        of a schema's keywords are annotations (AsyncAPI's description, title,
        examples, $id)."""
        key = (mode, id(schema))
        try:
            if "$schema" in schema:
                mode = self._mode_of(schema["$schema"], mode)
            table = mode.table
            steps = []
            for keyword, value in mode.applicable(schema):
                how = table.get(keyword)
                if how is _UNSUPPORTED:
                    raise Unsupported
                if how is not None:
                    steps.append((how, keyword, value))
            # Unremembered: a leaf, or a lone $ref (its target's words are).
            leaf = all(step[0] in LEAVES for step in steps) or (
                len(steps) == 1 and steps[0][0] is _ref
            )
            plan: Any = (mode, tuple(steps), leaf)
        except Unsupported:
            plan = _GIVE_UP
        self._plans[key] = plan  # the schema outlives it (a package's document)
        return plan

    def below(
        self, token: str | int, mode: Mode, base: str, schema: Any, instance: Any
    ) -> Words | list[Word]:
        """:meth:`words` of an item or property (``token``), pointers from the
        value that holds it (a ``false`` schema's error too, as
        runtime._fullcheck places it)."""
        found = self.words(mode, base, schema, instance)
        if not found:
            return found
        return _under(token, found)

    def via_ref(self, mode: Mode, base: str, ref: Any, instance: Any) -> Words:
        if not isinstance(ref, str):
            raise Unsupported
        found = self._targets.get((base, ref), _ABSENT)
        if found is _ABSENT:
            found = self._targets[(base, ref)] = self.follow(base, ref)
        if found is None:
            raise Unsupported
        target, uri = found
        # Reached by a reference: its $id is the base the reference resolved to.
        return self.in_place(mode, uri, target, instance)

    def in_place(self, mode: Mode, base: str, schema: Any, instance: Any) -> Words:
        """:meth:`words` of a schema whose ``$id`` moves no base: a reference's
        target (the base it resolved to), and jsonschema's ``evolve`` (``not``
        and ``if``: a validator for the subschema, its resolver the holder's)."""
        if not isinstance(schema, dict):
            return self.words(mode, base, schema, instance)
        return self._walk(mode, base, schema, instance)

    def _in_subresource(self, mode: Mode, base: str, schema: dict[str, Any]) -> str:
        key = (mode.draft, base, id(schema))
        found = self._moved.get(key)
        if found is None:
            try:
                found = moved(SPECS[mode.draft], base, schema)
            except Unsure:
                raise Unsupported from None
            self._moved[key] = found
        return found

    def _mode_of(self, uri: Any, mode: Mode) -> Mode:
        """The class runtime._fullcheck's evolve gives a subschema that names
        its ``$schema``: jsonschema's own class of that draft (with the unions
        and $ref of runtime._fullcheck), or the same for a URI jsonschema does
        not know."""
        key = (uri, mode)
        found = self._switch.get(key) if isinstance(uri, str) else None
        if found is None:
            draft = draft_named(uri)
            if draft is None:
                found = mode
            elif draft in ("7", "2020-12"):
                found = self._modes[(draft, False)]
            else:
                raise Unsupported  # an earlier draft: jsonschema's class
            self._switch[key] = found
        return found

    def _worded(self, error: Any) -> Words:
        """from_jsonschema's violations of an error (at the value walked)."""
        shown = getattr(self.memo, "shown", None)
        keyword = error.validator or ""  # "": a false schema's (from_jsonschema)
        if keyword in _PHRASED and not error.absolute_path:
            # from_jsonschema's phrase of such an error reads the keyword, its
            # value and the schema; what it got is the value's rendering.
            value, schema = error.validator_value, error.schema
            key = (keyword, id(value), id(schema))
            found = self._phrases.get(key)
            if found is None:
                worded = from_jsonschema([error], None, shown)
                if not worded or any(v.pointer for v in worded):
                    raise Unsupported  # not so: a new from_jsonschema
                expected = tuple(v.expected for v in worded)  # a list of types: several
                found = self._phrases[key] = (expected, value, schema)
                return tuple((v.pointer, v.expected, v.got, keyword) for v in worded)
            got = _shown(error.instance, shown)
            return tuple(("", expected, got, keyword) for expected in found[0])
        return tuple(
            (v.pointer, v.expected, v.got, keyword)
            for v in from_jsonschema([error], None, shown)
        )

    def fails(self, mode: Mode, base: str, branch: Any, instance: Any) -> bool:
        """Whether a union's branch fails, as runtime._fullcheck's unions decide."""
        if isinstance(branch, dict):
            test = self._test(base, branch)
            if test is not None and test.fails(instance):
                return True
        return bool(self.words(mode, base, branch, instance))


_WALK = object()  # the memo's keys of this walk
_MADE = object()  # the memo's keys of the Violations made (see violations)
_GIVE_UP = object()  # a plan with a keyword the walk does not follow
_ABSENT = object()
