"""The schemas folder as it is at a git revision, read with git, with no checkout.

``git ls-tree`` lists the folder's files at the revision and ``git cat-file
--batch`` reads them all in one process; they are written below a destination
folder (a temporary one), where the usual loader reads them. Only regular files are
taken (a symbolic link at the revision is skipped, never followed), and a
revision that does not name a commit is an error with the reason.
"""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

from codegen.errors import CompileError, ContractError


def _error(ref: str, message: str, hint: str = "") -> CompileError:
    return CompileError([ContractError(ref, "", "bad-ref", message, hint)])


def _git(cwd: Path, *args: str, data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, input=data, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise _error("git", "git is not installed") from None
    if done.returncode != 0:
        raise subprocess.CalledProcessError(
            done.returncode, args, done.stdout, done.stderr
        )
    return done.stdout


def _existing(folder: Path) -> Path:
    folder = folder.resolve()
    while not folder.is_dir():
        folder = folder.parent
    return folder


def read_schemas_at(ref: str, schemas: Path, dest: Path) -> str:
    """Write the files below ``schemas`` as they are at ``ref`` into ``dest``.

    Returns the commit the revision names. Raises :class:`CompileError` when the
    folder is not in a git work tree or ``ref`` names no commit.
    """
    if not ref or ref.startswith("-"):
        raise _error(ref, f"{ref!r} is not a git revision")
    here = _existing(schemas)
    try:
        top = Path(_git(here, "rev-parse", "--show-toplevel").decode().strip())
    except subprocess.CalledProcessError as exc:
        reason = exc.stderr.decode(errors="replace").strip().splitlines()
        raise _error(
            ref,
            f"{schemas} is not in a git work tree, so {ref!r} cannot be read"
            + (f" ({reason[0]})" if reason else ""),
            "pass a folder of schemas to --against instead",
        ) from None
    try:
        commit = (
            _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
            .decode()
            .strip()
        )
    except subprocess.CalledProcessError:
        raise _error(
            ref,
            f"unknown git revision {ref!r}",
            "use a branch, tag or commit of this repository (fetch it first in a"
            " shallow CI clone: git fetch --depth=1 origin <ref>)",
        ) from None
    folder = schemas.resolve().relative_to(top.resolve()).as_posix()
    folder = "" if folder == "." else folder
    listing = _git(top, "ls-tree", "-r", "-z", commit, "--", folder or ".")
    wanted: list[str] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, _ = meta.split(b" ", 2)
        path = name.decode("utf-8", "surrogateescape")
        if kind != b"blob" or mode not in (b"100644", b"100755"):
            continue
        if not path.endswith(".json") or "\n" in path:
            continue
        wanted.append(path)
    if not wanted:
        return commit
    request = "".join(f"{commit}:{p}\n" for p in wanted).encode()
    output = _git(top, "cat-file", "--batch", data=request)
    offset = 0
    for path in wanted:
        header_end = output.index(b"\n", offset)
        size = int(output[offset:header_end].split(b" ")[2])
        start = header_end + 1
        blob = output[start : start + size]
        offset = start + size + 1
        rel = PurePosixPath(path).relative_to(folder) if folder else PurePosixPath(path)
        if ".." in rel.parts:
            continue
        target = dest.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
    return commit
