"""``contracts breaking`` as a user runs it: git revisions, modes, baseline, formats."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from codegen.checks.breaking.report import catalogue_modes
from tests.conftest import ROOT, VENV_BIN

S2020 = "https://json-schema.org/draft/2020-12/schema"


def contracts(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(VENV_BIN / "contracts"), "breaking", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def task(props: dict[str, Any], version: int = 1) -> dict[str, Any]:
    return {
        "$schema": S2020,
        "title": "Task" if version == 1 else f"TaskV{version}",
        "type": "object",
        "x-message": {"type": "agent.task", "version": version},
        "required": ["id"],
        "properties": props,
        "additionalProperties": False,
    }


CATALOG = {
    "streams": {
        "tasks": {
            "description": "node to python",
            "messages": [
                {
                    "contract": "a/task.v1.json",
                    "producers": ["node"],
                    "consumers": ["python"],
                }
            ],
        },
        "internal": {
            "description": "python to python",
            "messages": [
                {
                    "contract": "a/note.v1.json",
                    "producers": ["python"],
                    "consumers": ["python"],
                }
            ],
        },
    },
    "operations": {},
}


def note(props: dict[str, Any]) -> dict[str, Any]:
    doc = task(props)
    doc.update(title="Note", **{"x-message": {"type": "agent.note", "version": 1}})
    return doc


def write(schemas: Path, files: dict[str, Any]) -> None:
    for name, doc in files.items():
        path = schemas / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=2) + "\n")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with a first commit of schemas/."""
    tmp_path = tmp_path / "repo"
    tmp_path.mkdir()
    git(tmp_path, "init", "-q", "-b", "main")
    write(
        tmp_path / "schemas",
        {
            "catalog.json": CATALOG,
            "a/task.v1.json": task({"id": {"type": "string"}}),
            "a/note.v1.json": note({"id": {"type": "string"}}),
        },
    )
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "first")
    return tmp_path


def commit_change(repo: Path, files: dict[str, Any]) -> None:
    write(repo / "schemas", files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change")


def test_against_the_previous_commit(repo: Path) -> None:
    wider = {"id": {"type": "string"}, "priority": {"type": "integer"}}
    commit_change(repo, {"a/task.v1.json": task(wider)})
    result = contracts("--against", "HEAD~1", "--schemas", "schemas", cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "a/task.v1.json#/properties/priority: [property-added-closed] optional"
        " property 'priority' added to a closed model (breaks old readers) hint: "
    ) in result.stdout
    assert "1 incompatible change(s) against HEAD~1" in result.stdout
    same = contracts("--against", "HEAD", cwd=repo)
    assert same.returncode == 0, same.stdout
    assert "no incompatible change against HEAD" in same.stdout


def test_uncommitted_changes_against_head(repo: Path) -> None:
    write(repo / "schemas", {"a/task.v1.json": task({"id": {"type": "integer"}})})
    result = contracts("--against", "HEAD", cwd=repo)
    assert result.returncode == 1
    assert "[type-changed] type string is now integer" in result.stdout
    assert "(breaks old writers, breaks old readers)" in result.stdout


def test_catalogue_decides_the_mode(repo: Path) -> None:
    """node -> python must stay full; python -> python only backward."""
    wider = {"id": {"type": "string"}, "extra": {"type": "string"}}
    commit_change(repo, {"a/note.v1.json": note(wider)})
    result = contracts("--against", "HEAD~1", cwd=repo)
    assert result.returncode == 0, result.stdout
    assert "allowed: a/note.v1.json#/properties/extra" in result.stdout
    forced = contracts("--against", "HEAD~1", "--mode", "full", cwd=repo)
    assert forced.returncode == 1
    commit_change(repo, {"a/task.v1.json": task(wider)})
    result = contracts("--against", "HEAD~1", cwd=repo)
    assert result.returncode == 1
    relaxed = contracts("--against", "HEAD~1", "--mode", "backward", cwd=repo)
    assert relaxed.returncode == 0


def test_new_major_is_a_new_contract(repo: Path) -> None:
    v2 = task({"id": {"type": "integer"}}, version=2)
    commit_change(repo, {"a/task.v2.json": v2})
    result = contracts("--against", "HEAD~1", "--verbose", cwd=repo)
    assert result.returncode == 0, result.stdout
    assert (
        "info: a/task.v2.json#: [contract-added] new major version 2" in result.stdout
    )
    catalog = json.loads(json.dumps(CATALOG))
    catalog["streams"]["tasks"]["messages"][0]["contract"] = "a/task.v2.json"
    write(repo / "schemas", {"catalog.json": catalog})
    (repo / "schemas" / "a" / "task.v1.json").unlink()
    result = contracts("--against", "HEAD~1", "--verbose", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "superseded by a/task.v2.json" in result.stdout
    del catalog["streams"]["internal"]
    write(repo / "schemas", {"catalog.json": catalog})
    (repo / "schemas" / "a" / "note.v1.json").unlink()
    result = contracts("--against", "HEAD~1", cwd=repo)
    assert result.returncode == 1
    assert "a/note.v1.json#: [contract-removed] contract file removed" in result.stdout


def test_baseline_round_trip(repo: Path) -> None:
    renamed = task({"id": {"type": "string"}})
    renamed["title"] = "Job"
    commit_change(repo, {"a/task.v1.json": renamed})
    assert contracts("--against", "HEAD~1", cwd=repo).returncode == 1
    wrote = contracts("--against", "HEAD~1", "--write-baseline", cwd=repo)
    assert wrote.returncode == 0, wrote.stdout + wrote.stderr
    baseline = repo / "contracts-baseline.json"
    entries = json.loads(baseline.read_text())
    assert entries == [
        {
            "rule": "type-renamed",
            "file": "a/task.v1.json",
            "pointer": "/title",
            "reason": "",
        }
    ]
    entries[0]["reason"] = "Job is the new name; callers updated in #42"
    baseline.write_text(json.dumps(entries))
    again = contracts("--against", "HEAD~1", cwd=repo)
    assert again.returncode == 0, again.stdout
    assert "accepted: a/task.v1.json#/title: [type-renamed, code]" in again.stdout
    assert "[accepted: Job is the new name; callers updated in #42]" in again.stdout
    assert "(1 accepted in the baseline)" in again.stdout
    contracts("--against", "HEAD~1", "--write-baseline", cwd=repo)
    assert json.loads(baseline.read_text())[0]["reason"].startswith("Job is")
    stale = contracts("--against", "HEAD", cwd=repo)
    assert stale.returncode == 0
    assert "matches no finding any more" in stale.stdout


def test_explicit_baseline_and_bad_baseline(repo: Path, tmp_path: Path) -> None:
    missing = contracts("--against", "HEAD", "--baseline", "nope.json", cwd=repo)
    assert missing.returncode == 2
    bad = repo / "bad.json"
    bad.write_text('{"rule": "x"}')
    result = contracts("--against", "HEAD", "--baseline", str(bad), cwd=repo)
    assert result.returncode == 2
    assert "bad-baseline" in result.stderr


def test_output_formats(repo: Path) -> None:
    write(repo / "schemas", {"a/task.v1.json": task({"id": {"type": "integer"}})})
    as_json = contracts("--against", "HEAD", "--format", "json", cwd=repo)
    assert as_json.returncode == 1
    data = json.loads(as_json.stdout)
    (finding,) = data["findings"]
    assert finding["rule"] == "type-changed"
    assert finding["row"] == "17"
    assert finding["file"] == "a/task.v1.json"
    assert finding["pointer"] == "/properties/id/type"
    assert finding["breaks"] == ["old writers", "old readers"]
    assert finding["required"] == ["backward", "forward"]
    assert finding["status"] == "incompatible"
    assert data["incompatible"] == 1
    actions = contracts("--against", "HEAD", "--format", "github-actions", cwd=repo)
    assert actions.stdout.startswith(
        "::error file=schemas/a/task.v1.json,title=type-changed::/properties/id/type:"
    )


def test_errors_exit_2(repo: Path, tmp_path: Path) -> None:
    unknown = contracts("--against", "no-such-branch", cwd=repo)
    assert unknown.returncode == 2
    assert "unknown git revision 'no-such-branch'" in unknown.stderr
    option = contracts("--against", "--help=x", cwd=repo)
    assert option.returncode == 2
    plain = tmp_path / "plain"
    shutil.copytree(repo / "schemas", plain / "schemas")
    outside = contracts("--against", "HEAD", cwd=plain)
    assert outside.returncode == 2
    assert "not in a git work tree" in outside.stderr
    write(repo / "schemas", {"a/broken.v1.json": {"type": "strin"}})
    broken = contracts("--against", "HEAD", cwd=repo)
    assert broken.returncode == 2


def test_against_a_folder(tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(ROOT / "schemas", old)
    new = tmp_path / "new"
    shutil.copytree(ROOT / "schemas", new)
    same = contracts("--against", str(old), "--schemas", str(new), cwd=ROOT)
    assert same.returncode == 0, same.stdout
    path = new / "order" / "order_created.v2.json"
    doc = json.loads(path.read_text())
    doc["$defs"]["OrderStatus"]["enum"].remove("cancelled")
    path.write_text(json.dumps(doc))
    result = contracts("--against", str(old), "--schemas", str(new), cwd=ROOT)
    assert result.returncode == 1
    assert (
        "order/order_created.v2.json#/$defs/OrderStatus/enum: [enum-value-removed]"
        ' enum value(s) "cancelled" removed (breaks old writers)'
    ) in result.stdout


def test_catalogue_modes() -> None:
    catalog = {
        "streams": {
            "s": {
                "messages": [
                    {
                        "contract": "a.v1.json",
                        "producers": ["node"],
                        "consumers": ["python"],
                    },
                    {
                        "contract": "b.v1.json",
                        "producers": ["python"],
                        "consumers": ["python"],
                    },
                    {
                        "contract": "c.v1.json",
                        "producers": ["python"],
                        "consumers": ["python", "node"],
                    },
                ]
            }
        },
        "operations": {
            "op": {
                "server": "python",
                "clients": ["node"],
                "request": {"contract": "req.v1.json"},
                "responses": {"422": {"contract": "problem.json#/$defs/Problem"}},
            }
        },
    }
    modes = catalogue_modes(catalog, "envelope.v1.json")
    assert modes == {
        "a.v1.json": {"backward", "forward"},
        "b.v1.json": {"backward"},
        "c.v1.json": {"backward", "forward"},
        "req.v1.json": {"backward", "forward"},
        "problem.json": {"backward", "forward"},
        "envelope.v1.json": {"backward", "forward"},
    }
