"""The repository reads nothing outside itself.

Every tracked file (the vendored JSON-Schema-Test-Suite aside: it is data, and its
remotes name ``http://localhost:1234`` URLs that are served from disk) is searched for
a path that leaves the checkout: a sibling folder reached with ``..``, an absolute path
under a home or work folder, or ``Path(__file__).parents[N]`` climbing above the root.
The vendored suite itself must be complete, so a test never quietly tests less.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

from benchmarks.suite import SUITE, require
from tests.conftest import ROOT

VENDORED = "tests/vendor/json-schema-test-suite/"
# A folder beside the checkout, as the previous CI machine had one.
SIBLING = re.compile(r"\.\./(?:\.\./)*(?:shared|work|json-schema-test-suite)\b")
# An absolute path of one particular machine.
ABSOLUTE = re.compile(r"(?<![\w.:/-])/(?:work|home|root|Users|mnt|srv)/[\w.-]+")
PARENTS = re.compile(r"__file__\)\.resolve\(\)\.parents\[(\d+)\]")
BINARY = {".png", ".jpg", ".gz", ".whl", ".tgz", ".ico"}


def tracked() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    return [p for p in out.decode().split("\0") if p]


def offences(rel: str, text: str) -> list[str]:
    found = [f"{rel}: {m.group(0)!r}" for m in SIBLING.finditer(text)]
    found += [f"{rel}: {m.group(0)!r}" for m in ABSOLUTE.finditer(text)]
    depth = len(PurePosixPath(rel).parts) - 1  # parents[depth] is the root
    for m in PARENTS.finditer(text):
        if int(m.group(1)) > depth:
            found.append(f"{rel}: {m.group(0)!r} leaves the repository")
    return found


def test_no_tracked_file_names_a_path_outside_the_repository() -> None:
    files = [p for p in tracked() if not p.startswith(VENDORED)]
    assert len(files) > 100, "git ls-files listed too little to be this repository"
    problems: list[str] = []
    for rel in files:
        path = ROOT / rel
        if path.suffix in BINARY or rel == "tests/test_self_contained.py":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        problems += offences(rel, text)
    assert not problems, "paths outside the repository:\n" + "\n".join(problems)


def test_the_checker_sees_each_kind_of_escape() -> None:
    # The patterns above must catch what they are for (else the test passes vacuously).
    # The samples are assembled, so this file itself names no outside path.
    up, shared, root = "..", "shared", "/" + "work"
    assert offences("benchmarks/x.py", f'Path("{up}/{shared}/json-schema-test-suite")')
    assert offences("tests/x.py", f'SUITE = Path("{root}/{shared}/suite")')
    assert offences("tests/x.py", "Path(__file__).resolve().parents[2]")
    assert not offences("tests/x.py", "Path(__file__).resolve().parents[1]")
    assert not offences("a.py", '"http://localhost:1234/x", "/nonexistent/y"')


def test_the_vendored_suite_is_complete() -> None:
    assert SUITE == ROOT / VENDORED.rstrip("/")
    require(SUITE)
    for part in ("LICENSE", "SOURCE.md"):
        assert (SUITE / part).is_file(), f"{SUITE / part} is missing"
    source = (SUITE / "SOURCE.md").read_text(encoding="utf-8")
    assert re.search(r"\b[0-9a-f]{40}\b", source), "SOURCE.md names no commit"
    for draft in ("draft2020-12", "draft7"):
        files = list((SUITE / "tests" / draft).rglob("*.json"))
        assert len(files) > 40, f"only {len(files)} test files for {draft}"


def test_a_missing_suite_fails_with_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "tests" / "draft7").mkdir(parents=True)
    try:
        require(tmp_path)
    except RuntimeError as exc:
        message = str(exc)
    else:
        raise AssertionError("an incomplete suite was accepted")
    assert "missing tests/draft2020-12, remotes, SOURCE.md" in message
    assert "refresh_suite.py" in message


def test_refresh_copies_a_checkout_and_records_its_commit(tmp_path: Path) -> None:
    checkout, into = tmp_path / "suite", tmp_path / "vendored"
    for part in ("tests/draft2020-12", "tests/draft7", "remotes"):
        shutil.copytree(SUITE / part, checkout / part)
    shutil.copyfile(SUITE / "LICENSE", checkout / "LICENSE")
    (checkout / "tests/draft7/extra.json").write_text("[]", encoding="utf-8")
    into.mkdir()
    shutil.copyfile(SUITE / "SOURCE.md", into / "SOURCE.md")
    commit = "0123456789abcdef0123456789abcdef01234567"
    script = ROOT / "tests" / "vendor" / "refresh_suite.py"
    run = [sys.executable, str(script), str(checkout), "--into", str(into)]
    refused = subprocess.run(run, capture_output=True, text=True)
    assert refused.returncode == 2, refused
    assert "cannot tell its upstream commit; pass --commit SHA" in refused.stderr
    done = subprocess.run([*run, "--commit", commit], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (into / "tests/draft7/extra.json").read_text() == "[]"
    assert commit in (into / "SOURCE.md").read_text(encoding="utf-8")
    require(into)
