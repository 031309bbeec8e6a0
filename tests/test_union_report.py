"""Failing unions explain themselves, word for word the same in Python and Node:
one line names the branch the message was meant for (by its discriminator, else the
closest) and the alternatives tried, then come that branch's errors only.

Each case runs ``contracts validate`` through the generated Python package and the
generated npm package (runtime/_union_report.py, codegen/templates/ts/_unions.js).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, VENV_BIN

UNIONS = ROOT / "tests" / "golden" / "unions" / "schemas"
DRAFT7 = "http://json-schema.org/draft-07/schema#"


def reports(
    tmp_path: Path, schemas: Path, contract: str, docs: list[Any]
) -> list[list[str]]:
    """The error lines of each document, the same from both runtimes (asserted)."""
    paths = []
    (tmp_path / "docs").mkdir(parents=True, exist_ok=True)
    for i, doc in enumerate(docs):
        paths.append(tmp_path / "docs" / f"doc{i}.json")
        paths[-1].write_text(json.dumps(doc))
    found = {}
    for runtime in ("python", "node"):
        done = subprocess.run(
            [str(VENV_BIN / "contracts"), "validate", "--runtime", runtime,
             "--schemas", str(schemas), "--out", str(tmp_path / "out"),
             "--contract", contract, "--error-format", "json", *map(str, paths)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode in (0, 1), done.stderr
        found[runtime] = [r["errors"] for r in json.loads(done.stdout)]
    assert found["python"] == found["node"]
    return found["python"]


def write(tmp_path: Path, files: dict[str, Any], name: str = "schemas") -> Path:
    folder = tmp_path / name
    for name, schema in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(json.dumps(schema))
    return folder


def test_the_branch_a_tag_names_and_the_closest_branch(tmp_path: Path) -> None:
    docs = [
        {"shape": {"kind": "square", "side": "x"}},
        {"shape": {"kind": "sqare", "side": 2}},
        {"shape": {"kind": "circle", "radius": 1}, "amount": 12},
        {"shape": {"kind": "circle", "radius": 1}, "id": "", "contact": {"email": 3}},
        {"shape": {"kind": "circle", "radius": 1}, "previous": {"kind": "square"}},
    ]
    assert reports(tmp_path, UNIONS, "shape_envelope.json", docs) == [
        [
            '/shape: expected the Square branch (picked by its "kind"; tried Circle,'
            ' Square, Rectangle), got {"kind": "square", "side": "x"}',
            '/shape/side: expected a number, got "x"',
        ],
        [
            '/shape: expected a branch its "kind" names (tried Circle, Square,'
            ' Rectangle), got {"kind": "sqare", "side": 2}',
            '/shape/kind: expected one of "circle", "square", "rectangle", got "sqare"',
        ],
        [
            "/amount: expected exactly one branch to match (integer, number match),"
            " got 12"
        ],
        [
            "/contact: expected the ByEmail branch (the closest; tried ByEmail,"
            ' ByPhone), got {"email": 3}',
            "/contact/email: expected a string, got 3",
            '/id: expected at least 1 character(s), got ""',
            "/id: expected the string branch (the closest; tried string, integer),"
            ' got ""',
        ],
        [
            "/previous: expected the Square branch (the closest; tried Square, null),"
            ' got {"kind": "square"}',
            "/previous/side: expected a required property, got nothing",
        ],
    ]


def events(count: int, tagged: bool) -> dict[str, Any]:
    """A webhook-like document: a top-level oneOf of ``count`` event objects, each
    with its own required fields (and, when ``tagged``, an ``event`` const)."""
    defs: dict[str, Any] = {
        "Actor": {
            "type": "object",
            "required": ["login", "created_at"],
            "properties": {
                "login": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
            },
        }
    }
    for i in range(count):
        props: dict[str, Any] = {
            "actor": {"$ref": "#/definitions/Actor"},
            f"field_{i}": {"type": "integer"},
        }
        required = ["actor", f"field_{i}"]
        if tagged:
            props["event"] = {"const": f"event_{i}"}
            required.append("event")
        defs[f"Event{i}"] = {
            "title": f"Event{i}",
            "type": "object",
            "required": required,
            "properties": props,
            "additionalProperties": False,
        }
    return {
        "$schema": DRAFT7,
        "title": "Webhook",
        "oneOf": [{"$ref": f"#/definitions/Event{i}"} for i in range(count)],
        "definitions": {k: v for k, v in defs.items()},
    }


def test_a_bad_field_in_a_66_branch_union_gives_two_lines(tmp_path: Path) -> None:
    bad_actor = {"login": "ada", "created_at": "yesterday"}
    tagged = reports(
        tmp_path / "t",
        write(tmp_path, {"tagged.json": events(66, True)}, "schemas-t"),
        "tagged.json",
        [{"event": "event_41", "actor": bad_actor, "field_41": 1}],
    )
    untagged = reports(
        tmp_path / "u",
        write(tmp_path, {"untagged.json": events(66, False)}, "schemas-u"),
        "untagged.json",
        [{"actor": bad_actor, "field_41": 1}],
    )
    tried = "tried " + ", ".join(f"Event{i}" for i in range(8)) + " and 58 more"
    assert tagged == [
        [
            f'/: expected the Event41 branch (picked by its "event"; {tried}), got'
            ' {"actor": {"created_at": "yesterday", "login": "ada"}, "event":'
            ' "event_41", "...',
            '/actor/created_at: expected a valid date-time string, got "yesterday"',
        ]
    ]
    assert untagged == [
        [
            f"/: expected the Event41 branch (the closest; {tried}), got"
            ' {"actor": {"created_at": "yesterday", "login": "ada"}, "field_41": 1}',
            '/actor/created_at: expected a valid date-time string, got "yesterday"',
        ]
    ]


def test_a_list_of_types_in_a_branch_reads_as_outside_a_union(tmp_path: Path) -> None:
    """A branch's ``["string", "null"]`` reads "a string", as the same property of
    a plain object does (Pydantic's words, so Node's): one violation per type, none
    for null beside others. Python's union report once read "a string or null" there
    (GitHub webhooks: organization/description = 12345). A failed enum goes without
    the type error beside it (Node and jsonschema reported both, Pydantic one)."""
    props = {
        "x": {"type": ["string", "null"]},
        "y": {"type": ["string", "integer"]},
        "z": {"type": ["string", "integer", "null"]},
        "w": {"type": "string", "enum": ["a", "b"]},
    }
    branch = {
        "type": "object",
        "properties": {"kind": {"const": "a"}, **props},
        "required": ["kind"],
    }
    other = {"type": "object", "properties": {"kind": {"const": "b"}}}
    schemas = write(
        tmp_path,
        {
            "u.json": {"title": "U", "oneOf": [branch, other]},
            "p.json": {"title": "P", "type": "object", "properties": props},
        },
    )
    doc = {"x": 1, "y": True, "z": False, "w": 5}
    fields = [
        '/w: expected one of "a", "b", got 5',  # no type error beside it
        "/x: expected a string, got 1",
        "/y: expected a string, got true",
        "/y: expected an integer, got true",
        "/z: expected a string, got false",
        "/z: expected an integer, got false",
    ]
    plain = reports(tmp_path / "p", schemas, "p.json", [doc])
    union = reports(tmp_path / "u", schemas, "u.json", [{"kind": "a", **doc}])
    assert plain == [fields]
    assert union[0][1:] == fields
    assert union[0][0].startswith('/: expected the object branch (picked by its "kind"')


def test_nested_unions_and_the_keywords_beside_a_union(tmp_path: Path) -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Order",
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}},
        "anyOf": [
            {
                "title": "Card",
                "required": ["card"],
                "properties": {
                    "card": {
                        "oneOf": [
                            {"title": "Visa", "type": "string", "pattern": "^4"},
                            {"title": "Token", "type": "object",
                             "required": ["token"],
                             "properties": {"token": {"type": "string"}}},
                        ]
                    }
                },
            },
            {"title": "Cash", "required": ["cash"]},
        ],
    }  # fmt: skip
    folder = write(tmp_path, {"order.json": schema})
    docs = [
        {"card": {"token": 5}},
        {"id": "o1", "card": "5555"},
        {"id": "o1"},
        {"id": "o1", "card": "5555", "note": "x"},
    ]
    assert reports(tmp_path, folder, "order.json", docs) == [
        [
            "/: expected the Card branch (the closest; tried Card, Cash), got"
            ' {"card": {"token": 5}}',
            "/card: expected the Token branch (the closest; tried Visa, Token), got"
            ' {"token": 5}',
            "/card/token: expected a string, got 5",
            "/id: expected a required property, got nothing",
        ],
        [  # the value fits Card's shape ("id" is declared beside the union), not
            # Cash's: Card, though Cash has as many members in error and fewer errors
            '/: expected the Card branch (the closest; tried Card, Cash), got {"card":'
            ' "5555", "id": "o1"}',
            '/card: expected a string matching ^4, got "5555"',
            "/card: expected the Visa branch (the closest; tried Visa, Token), got"
            ' "5555"',
        ],
        [  # a tie on members, depth, count and misfits (a required one lacking):
            # the first
            '/: expected the Card branch (the closest; tried Card, Cash), got {"id":'
            ' "o1"}',
            "/card: expected a required property, got nothing",
        ],
        [  # neither shape fits ("note"): a tie on members in error (card / cash)
            # and depth (1), then the fewer errors
            '/: expected the Cash branch (the closest; tried Card, Cash), got {"card":'
            ' "5555", "id": "o1", "note": "x"}',
            "/cash: expected a required property, got nothing",
        ],
    ]


def shared_action_events() -> dict[str, Any]:
    """GitHub's member/installation_repositories confusion in small: two events,
    each a oneOf of its actions, share the action "added"; the installation event's
    sender is fixed (a bot's login), as GitHub's dependabot_alert event's is."""
    user = {
        "type": "object",
        "required": ["login"],
        "properties": {"login": {"type": "string"}, "id": {"type": "integer"}},
    }
    bot = {**user, "properties": {"login": {"const": "github-bot"}}}
    return {
        "$schema": DRAFT7,
        "title": "Webhook",
        "oneOf": [
            {"$ref": "#/definitions/InstallationRepositoriesEvent"},
            {"$ref": "#/definitions/MemberEvent"},
        ],
        "definitions": {
            "User": user,
            "InstallationRepositoriesEvent": {
                "title": "InstallationRepositoriesEvent",
                "oneOf": [
                    _action("ReposAdded", "added", installation={"type": "object"},
                            repositories_added={"type": "array"}, sender=bot),
                    _action("ReposRemoved", "removed", installation={"type":
                            "object"}, sender=bot),
                ],
            },
            "MemberEvent": {
                "title": "MemberEvent",
                "oneOf": [
                    _action("MemberAdded", "added", member={"$ref":
                            "#/definitions/User"}, sender={"$ref":
                            "#/definitions/User"}),
                    _action("MemberRemoved", "removed", member={"$ref":
                            "#/definitions/User"}),
                ],
            },
        },
    }  # fmt: skip


def test_the_closest_of_the_events_sharing_an_action(tmp_path: Path) -> None:
    """The closest branch is the one with the fewest of the value's members in error
    (a property with an error at or below it, present or required), not the one
    whose deepest error is deepest: a member event with one stray property is not
    reported against the installation event, whose fixed sender gives a deeper
    error (the rule before this picked it, 6 lines instead of 3)."""
    folder = write(tmp_path, {"webhook.json": shared_action_events()})
    member = {"action": "added", "member": {"login": "ada"}, "sender": {"login": "bo"}}
    docs = [
        {**member, "zzz_extra": 1},
        {**member, "member": {"login": 5}},
        {"action": "added", "installation": {}, "sender": {"login": "github-bot"}},
    ]
    tried = "tried InstallationRepositoriesEvent, MemberEvent"
    added = 'picked by its "action"'
    assert reports(tmp_path, folder, "webhook.json", docs) == [
        [
            f"/: expected the MemberAdded branch ({added}; tried MemberAdded,"
            ' MemberRemoved), got {"action": "added", "member": {"login": "ada"},'
            ' "sender": {"login": "bo"}, "z...',
            f"/: expected the MemberEvent branch (the closest; {tried}), got"
            ' {"action": "added", "member": {"login": "ada"}, "sender": {"login":'
            ' "bo"}, "z...',
            "/zzz_extra: expected no such property (additionalProperties is false),"
            " got 1",
        ],
        [
            f"/: expected the MemberAdded branch ({added}; tried MemberAdded,"
            ' MemberRemoved), got {"action": "added", "member": {"login": 5},'
            ' "sender": {"login": "bo"}}',
            f"/: expected the MemberEvent branch (the closest; {tried}), got"
            ' {"action": "added", "member": {"login": 5}, "sender": {"login":'
            ' "bo"}}',
            "/member/login: expected a string, got 5",
        ],
        [
            f"/: expected the InstallationRepositoriesEvent branch (the closest;"
            f' {tried}), got {{"action": "added", "installation": {{}}, "sender":'
            ' {"login": "github-bot"}}',
            f"/: expected the ReposAdded branch ({added}; tried ReposAdded,"
            ' ReposRemoved), got {"action": "added", "installation": {}, "sender":'
            ' {"login": "github-bot"}}',
            "/repositories_added: expected a required property, got nothing",
        ],
    ]


def same_action_events() -> dict[str, Any]:
    """Three events, each a oneOf of the actions "created" and "deleted" (no tag at
    the root: two events fix each string), told apart by their other properties;
    and a dispatch event, whose action is any string."""
    sender = {"type": "object", "properties": {"login": {"type": "string"}}}

    def event(title: str, **props: Any) -> dict[str, Any]:
        return {
            "title": title,
            "oneOf": [
                _action(f"{title}Created", "created", **props, sender=sender),
                _action(f"{title}Deleted", "deleted", **props, sender=sender),
            ],
        }

    return {
        "$schema": DRAFT7,
        "title": "Webhook",
        "oneOf": [
            event("ReleaseEvent", release={"type": "object"}),
            event("LabelEvent", label={"type": "object"}),
            event("StarEvent", starred_at={"type": ["string", "null"]}),
            {
                "title": "DispatchEvent",
                "type": "object",
                "required": ["action", "branch", "client_payload", "sender"],
                "properties": {
                    "action": {"type": "string"},
                    "branch": {"type": "string"},
                    "client_payload": {"type": "object"},
                    "sender": sender,
                },
                "additionalProperties": False,
            },
        ],
    }


def test_an_action_no_event_knows_names_the_event_of_its_shape(
    tmp_path: Path,
) -> None:
    """An action no event knows fails every event on its "action" alone (one member,
    as deep, as many errors): the event named is the one whose shape the value has
    (every property declared, every required one present), not the first. A value
    that fits one event's shape exactly is reported against it even where another
    event, whose action union names nothing, has fewer members in error."""
    folder = write(tmp_path, {"webhook.json": same_action_events()})
    sender = {"login": "ada"}
    docs = [
        {"action": "bogus", "label": {}, "sender": sender},
        {"action": 5, "starred_at": None, "sender": sender},
        {"action": "bogus", "release": {}, "sender": sender},
        {"action": "ping", "branch": 5, "client_payload": [], "sender": sender},
    ]
    tried = "tried ReleaseEvent, LabelEvent, StarEvent, DispatchEvent"
    label = 'names (tried LabelEventCreated, LabelEventDeleted), got {"action":'
    star = 'names (tried StarEventCreated, StarEventDeleted), got {"action": 5,'
    release = 'names (tried ReleaseEventCreated, ReleaseEventDeleted), got {"action":'
    dispatch = '{"action": "ping", "branch": 5, "client_payload": [], "sender":'
    assert reports(tmp_path, folder, "webhook.json", docs) == [
        [
            f'/: expected a branch its "action" {label} "bogus", "label": {{}},'
            ' "sender": {"login": "ada"}}',
            f"/: expected the LabelEvent branch (the closest; {tried}), got"
            ' {"action": "bogus", "label": {}, "sender": {"login": "ada"}}',
            '/action: expected one of "created", "deleted", got "bogus"',
        ],
        [
            f'/: expected a branch its "action" {star} "sender": {{"login": "ada"}},'
            ' "starred_at": null}',
            f"/: expected the StarEvent branch (the closest; {tried}), got"
            ' {"action": 5, "sender": {"login": "ada"}, "starred_at": null}',
            '/action: expected one of "created", "deleted", got 5',
        ],
        [
            f'/: expected a branch its "action" {release} "bogus", "release": {{}},'
            ' "sender": {"login": "ada"}}',
            f"/: expected the ReleaseEvent branch (the closest; {tried}), got"
            ' {"action": "bogus", "release": {}, "sender": {"login": "ada"}}',
            '/action: expected one of "created", "deleted", got "bogus"',
        ],
        [
            f"/: expected the DispatchEvent branch (the closest; {tried}), got"
            f' {dispatch} {{"login": "ad...',
            "/branch: expected a string, got 5",
            "/client_payload: expected an object, got []",
        ],
    ]


def test_an_error_about_the_whole_value_counts_each_member(tmp_path: Path) -> None:
    """A branch that refuses the value itself (its type) is farther than one with
    errors in two of the value's three properties."""
    schema = {
        "$schema": DRAFT7,
        "title": "Thing",
        "oneOf": [
            {"title": "Name", "type": "string"},
            {"title": "Parts", "type": "object", "properties": {
                "a": {"type": "integer"}, "b": {"type": "integer"},
                "c": {"type": "integer"}}},
        ],
    }  # fmt: skip
    folder = write(tmp_path, {"thing.json": schema})
    docs = [{"a": "x", "b": "y", "c": 3}, {"a": "x"}]
    assert reports(tmp_path, folder, "thing.json", docs) == [
        [
            '/: expected the Parts branch (the closest; tried Name, Parts), got {"a":'
            ' "x", "b": "y", "c": 3}',
            '/a: expected an integer, got "x"',
            '/b: expected an integer, got "y"',
        ],
        [  # one member either way; the deeper error
            '/: expected the Parts branch (the closest; tried Name, Parts), got {"a":'
            ' "x"}',
            '/a: expected an integer, got "x"',
        ],
    ]


def test_a_union_under_the_then_or_else_an_if_picks(tmp_path: Path) -> None:
    """AsyncAPI's anySchema: an ``if`` picks a ``then`` or an ``else``, and a union
    below the one picked is explained (Python's jsonschema and Node's Ajv worded
    it differently before: "anyOf: must match a schema in anyOf" and the enum). A
    union below the one not picked is not looked at."""
    kinds = {"enum": ["a", "b"]}
    kind = {"anyOf": [kinds, {"type": "array", "items": kinds}]}
    schema = {
        "$schema": DRAFT7,
        "title": "Message",
        "type": "object",
        "properties": {
            "payload": {
                "if": {"required": ["schema"]},
                "then": {"properties": {"schema": {"$ref": "#/definitions/Plain"},
                         "format": {"type": "string"}}},
                "else": {"$ref": "#/definitions/Plain"},
            }
        },
        "definitions": {
            "Plain": {"type": "object", "properties": {"type": kind}},
        },
    }  # fmt: skip
    folder = write(tmp_path, {"any.json": schema})
    docs = [
        {"payload": {"type": "c"}},
        {"payload": {"schema": {"type": ["c"]}}},
        {"payload": {"schema": {}, "type": "c", "format": 1}},
    ]
    tried = "tried anyOf/0, array"
    assert reports(tmp_path, folder, "any.json", docs) == [
        [
            '/payload/type: expected one of "a", "b", got "c"',
            f"/payload/type: expected the anyOf/0 branch (the closest; {tried}),"
            ' got "c"',
        ],
        [
            f"/payload/schema/type: expected the array branch (the closest; {tried}),"
            ' got ["c"]',
            '/payload/schema/type/0: expected one of "a", "b", got "c"',
        ],
        ["/payload/format: expected a string, got 1"],
    ]


def test_the_webhook_events_of_the_key_split_case(tmp_path: Path) -> None:
    """The golden unions_by_keys events (Python's words in tests/test_key_split.py):
    Node says the same."""
    from tests.test_key_split import EVENT_REPORTS, GOLDEN_EVENTS

    docs = [event for event, _ in EVENT_REPORTS]
    got = reports(tmp_path, GOLDEN_EVENTS, "webhook_event.json", docs)
    assert got == [expected for _, expected in EVENT_REPORTS]


def _action(title: str, action: str, **props: Any) -> dict[str, Any]:
    """An event object of one action: ``action`` fixed by a one-string enum."""
    return {
        "title": title,
        "type": "object",
        "required": ["action", *props],
        "properties": {"action": {"enum": [action]}, **props},
        "additionalProperties": False,
    }


def nested_events() -> dict[str, Any]:
    """GitHub's shape: a root oneOf of events; the pull request event is a oneOf of
    its actions, one of which (Requested) is itself a oneOf of two members sharing
    its action, in another file; the issue event shares "opened" with it; the push
    event has no action."""
    number = {"type": "integer"}
    member: dict[str, Any] = {
        "type": "object",
        "required": ["action", "number"],
        "properties": {"action": {"const": "requested"}, "number": number},
        "additionalProperties": False,
    }
    requested = {
        "$schema": DRAFT7,
        "title": "Requested",
        "oneOf": [
            {**member, "title": "ByReviewer", "required": ["action", "number",
             "reviewer"], "properties": {**member["properties"],
             "reviewer": {"type": "string"}}},
            {**member, "title": "ByTeam", "required": ["action", "number", "team"],
             "properties": {**member["properties"], "team": {"type": "string"}}},
        ],
    }  # fmt: skip
    webhook = {
        "$schema": DRAFT7,
        "title": "Webhook",
        "oneOf": [
            {"$ref": "#/definitions/PullRequestEvent"},
            {"$ref": "#/definitions/IssueEvent"},
            {"$ref": "#/definitions/PushEvent"},
        ],
        "definitions": {
            "PullRequestEvent": {
                "title": "PullRequestEvent",
                "oneOf": [
                    {"$ref": "#/definitions/Opened"},
                    {"$ref": "#/definitions/Closed"},
                    {"$ref": "requested.json"},
                ],
            },
            "Opened": _action("Opened", "opened", number=number),
            "Closed": _action(
                "Closed", "closed", number=number, merged={"type": "boolean"}
            ),
            "IssueEvent": {
                "title": "IssueEvent",
                "oneOf": [
                    _action("IssueOpened", "opened", issue={"type": "object"}),
                    _action("IssueDeleted", "deleted", issue={"type": "object"}),
                ],
            },
            "PushEvent": {
                "title": "PushEvent",
                "type": "object",
                "required": ["ref"],
                "properties": {"ref": {"type": "string"}},
                "additionalProperties": False,
            },
        },
    }
    return {"webhook.json": webhook, "requested.json": requested}


def test_a_tag_found_through_nested_unions(tmp_path: Path) -> None:
    folder = write(tmp_path, nested_events())
    docs = [
        {"action": "requested", "number": 7, "team": 5},
        {"action": "closed", "number": 7},
        {"action": "opened", "number": "7"},
        {"action": "deleted", "number": 7, "issue": {}},
    ]
    tried = "tried PullRequestEvent, IssueEvent, PushEvent"
    pulls = "tried Opened, Closed, Requested"
    assert reports(tmp_path, folder, "webhook.json", docs) == [
        [  # "requested" names one branch of the pull request event: it is picked,
            # and its two members, which share it, are told apart as the closest
            "/: expected the ByTeam branch (the closest; tried ByReviewer, ByTeam),"
            ' got {"action": "requested", "number": 7, "team": 5}',
            f"/: expected the PullRequestEvent branch (the closest; {tried}), got"
            ' {"action": "requested", "number": 7, "team": 5}',
            f'/: expected the Requested branch (picked by its "action"; {pulls}),'
            ' got {"action": "requested", "number": 7, "team": 5}',
            "/team: expected a string, got 5",
        ],
        [
            f'/: expected the Closed branch (picked by its "action"; {pulls}), got'
            ' {"action": "closed", "number": 7}',
            f"/: expected the PullRequestEvent branch (the closest; {tried}), got"
            ' {"action": "closed", "number": 7}',
            "/merged: expected a required property, got nothing",
        ],
        [  # "opened" names a branch of both events: the root has no tag, and
            # of the two events whose tags name the value, the closest
            f'/: expected the Opened branch (picked by its "action"; {pulls}), got'
            ' {"action": "opened", "number": "7"}',
            f"/: expected the PullRequestEvent branch (the closest; {tried}), got"
            ' {"action": "opened", "number": "7"}',
            '/number: expected an integer, got "7"',
        ],
        [  # no pull request action is "deleted": the issue event's is
            '/: expected the IssueDeleted branch (picked by its "action"; tried'
            ' IssueOpened, IssueDeleted), got {"action": "deleted", "issue": {},'
            ' "number": 7}',
            f"/: expected the IssueEvent branch (the closest; {tried}), got"
            ' {"action": "deleted", "issue": {}, "number": 7}',
            "/number: expected no such property (additionalProperties is false), got 7",
        ],
    ]
    # A value no branch names: the strings of the nested union are listed too.
    assert reports(
        tmp_path, folder, "webhook.json#/definitions/PullRequestEvent",
        [{"action": "reopened", "number": 7}],
    ) == [
        [
            f'/: expected a branch its "action" names ({pulls}), got'
            ' {"action": "reopened", "number": 7}',
            '/action: expected one of "opened", "closed", "requested", got'
            ' "reopened"',
        ]
    ]  # fmt: skip


TAGS_JS = """
import { UnionReport } from "./runtime/node/compiled/_unions.js";
const [documents, sites] = JSON.parse(process.argv[1]);
const report = new UnionReport((p) => documents[p], new Map(), new Map(), () => []);
const tags = sites.map(([path, pointer, keyword, count]) => {
  const here = (i) => `${pointer}/${keyword}/${i}`;
  const site = { path, pointer, keyword, count, here };
  return Object.fromEntries([...report.tags(site)].map(([k, v]) => [k, [...v]]));
});
console.log(JSON.stringify(tags));
"""


def test_the_tags_of_nested_unions_and_of_a_loop() -> None:
    """The discriminator candidates (property -> string -> branch) the report finds,
    the same in both runtimes: through a $ref to a union in another file, and a
    union that reaches itself (a loop fixes nothing; the search ends)."""
    from runtime._union_report import UnionReport
    from runtime._union_walk import _Site

    leaf = {"type": "object", "properties": {"kind": {"const": "a"}}}
    documents = {
        **nested_events(),
        "loop.json": {
            "oneOf": [{"$ref": "#/definitions/B"}, leaf],
            "definitions": {
                "B": {"anyOf": [{"$ref": "#"}, {"properties": {"kind": {
                    "enum": ["b"]}}}]}
            },
        },
    }  # fmt: skip
    sites = [
        ("webhook.json", "", "oneOf", 3),
        ("webhook.json", "/definitions/PullRequestEvent", "oneOf", 3),
        ("requested.json", "", "oneOf", 2),
        ("loop.json", "", "oneOf", 2),
        ("loop.json", "/definitions/B", "anyOf", 2),
    ]
    report = UnionReport(documents, {}, {}, lambda *_: [])
    python = [
        {k: [list(pair) for pair in v.items()] for k, v in report.tags(
            _Site(path, pointer, keyword, "", None, count, report.raw, None)
        ).items()}
        for path, pointer, keyword, count in sites
    ]  # fmt: skip
    done = subprocess.run(
        ["node", "--input-type=module", "-e", TAGS_JS, json.dumps([documents, sites])],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        json.loads(done.stdout)
        == python
        == [
            {},  # "opened" is fixed by two events, and the push event fixes nothing
            {"action": [["opened", 0], ["closed", 1], ["requested", 2]]},
            {},  # both members fix "requested": it names neither
            {},
            {},
        ]
    )


MISFIT_JS = """
import { UnionReport } from "./runtime/node/compiled/_unions.js";
const [documents, cases] = JSON.parse(process.argv[1]);
const report = new UnionReport((p) => documents[p], new Map(), new Map(), () => []);
const found = cases.map(([p, q, value]) => report.shaping.misfit(value, p, q));
console.log(JSON.stringify(found));
"""


def test_the_misfit_of_nested_unions_and_of_a_loop() -> None:
    """How far a value's shape is from a branch's (its properties the branch does
    not declare plus those it requires the value lacks, the fewest over the shapes
    of a union's members, its own names added), the same in both runtimes: through
    a $ref to a union in another file, a union that reaches itself (the loop adds no
    shape), a schema naming no property and a value that is not an object (None)."""
    from runtime._union_report import UnionReport

    documents = {
        **nested_events(),
        "loop.json": {
            "properties": {"id": {}},
            "required": ["id"],
            "oneOf": [{"$ref": "#"}, {"properties": {"a": {}, "b": {}}}],
        },
    }
    pulls = "/oneOf/0"  # a $ref to the pull request event, a union
    cases = [
        ("webhook.json", pulls, {"action": "x", "number": 1}),  # Opened's shape
        ("webhook.json", pulls, {"action": "x", "number": 1, "z": 1}),
        ("webhook.json", pulls, {"number": 1, "team": 2}),  # ByTeam lacks action
        ("webhook.json", "/oneOf/2", {"ref": "x", "number": 1}),
        ("webhook.json", "/oneOf/2", {}),
        ("loop.json", "", {"id": 1, "a": 1, "c": 1}),
        ("loop.json", "", {"b": 1}),
        ("loop.json", "/oneOf/1", {"a": 1}),
        ("webhook.json", "/definitions/Opened/properties/number", {"a": 1}),
        ("webhook.json", pulls, [1]),
    ]
    report = UnionReport(documents, {}, {}, lambda *_: [])
    python = [report.misfit(value, path, pointer) for path, pointer, value in cases]
    given = json.dumps([documents, cases])
    done = subprocess.run(
        ["node", "--input-type=module", "-e", MISFIT_JS, given],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == python == [0, 1, 1, 1, 1, 1, 1, 0, None, None]
