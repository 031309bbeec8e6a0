"""Shared fixtures: repository paths, golden cases, a reference validator."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import referencing
from jsonschema import Draft7Validator, Draft202012Validator
from referencing.jsonschema import DRAFT7, DRAFT202012

if TYPE_CHECKING:
    from tests.shells import Shell

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
VENV_BIN = Path(sys.executable).parent


# Markers, for choosing what to run (`make test-fast` runs what has none of them;
# `make test` runs everything): `redis` is given to every test that uses a real
# redis-server (the `redis_url` fixture, or a module that starts its own); `node` and
# `slow` by module, here. `slow` covers the end-to-end CLI modules too: each of their
# tests starts `contracts` (and git) several times.
REDIS_MODULES = frozenset(
    {
        "test_bench_node_smoke", "test_cli_redis", "test_deadletter",
        "test_deadletter_node", "test_presence", "test_streams", "test_streams_cluster",
        "test_streams_cross", "test_streams_faults", "test_streams_faults_node",
        "test_streams_node",
    }
)  # fmt: skip
NODE_MODULES = frozenset(
    {
        "test_bench_corpus_smoke", "test_conformance", "test_docs", "test_fuzz",
        "test_http_cross", "test_node", "test_node_limits", "test_node_runtime_build",
        "test_presence", "test_realworld", "test_streams_cross", "test_regex_node",
        "test_streams_node", "test_ts_runtime", "test_formats", "test_union_report",
        "test_bench_regex_smoke", "test_deadletter_node", "test_bench_node_smoke",
        "test_telemetry_cross", "test_streams_faults_node", "test_union_prune_node",
        "test_texts",
    }
)  # fmt: skip
SLOW_MODULES = frozenset(
    {
        "test_bench_node_smoke",
        "test_bench_corpus_smoke", "test_bench_http_smoke", "test_bench_smoke",
        "test_cli", "test_cli_redis", "test_compat_cli",
        "test_conformance", "test_determinism", "test_fuzz", "test_idna_table",
        "test_node", "test_realworld", "test_typecheck", "test_union_report",
        "test_texts",
    }
)  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.nodeid.split("::", 1)[0].rsplit("/", 1)[-1].removesuffix(".py")
        if module in REDIS_MODULES or "redis_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.redis)
        if module in NODE_MODULES:
            item.add_marker(pytest.mark.node)
        if module in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/*/expected from the current generator",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def golden_cases() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if (p / "schemas").is_dir())


def sample_cases() -> list[Path]:
    return [c for c in golden_cases() if (c / "samples.json").is_file()]


def package_name(case: Path) -> str:
    return f"case_{case.name}"


def case_settings(case: Path) -> Any:
    """A golden case's settings: its package name, and ``strict`` when the case
    holds a ``pyproject.toml`` whose ``[tool.contracts]`` sets it."""
    import tomllib

    from codegen.emit import Settings

    config = case / "pyproject.toml"
    table = tomllib.loads(config.read_text()) if config.is_file() else {}
    strict = table.get("tool", {}).get("contracts", {}).get("strict", False)
    return Settings(python_package=package_name(case), strict=strict)


@pytest.fixture(scope="session")
def golden_trees(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each compiling golden case generated afresh, whole (its ``expected/`` plus
    the verbatim runtime files, as tests/test_golden.py holds): case name -> the
    folder holding ``python/`` and ``ts/``."""
    from codegen.api import generate
    from codegen.errors import CompileError

    root = tmp_path_factory.mktemp("golden")
    trees = {}
    for case in golden_cases():
        try:
            files = generate(case / "schemas", case_settings(case)).files
        except CompileError:
            continue
        for rel, content in files.items():
            target = root / case.name / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        trees[case.name] = root / case.name
    return trees


def reference_validator(schemas: Path, contract: str) -> Any:
    """jsonschema, the reference implementation, over a folder of schemas."""
    resources = []
    drafts = {}
    canonical: dict[str, str] = {}
    for path in sorted(schemas.rglob("*.json")):
        rel = path.relative_to(schemas).as_posix()
        if rel == "catalog.json":
            continue
        contents = json.loads(path.read_text())
        seven = "draft-07" in str(contents.get("$schema", ""))
        spec = DRAFT7 if seven else DRAFT202012
        resource = spec.create_resource(contents)
        uri = f"file:///schemas/{rel}"
        drafts[rel] = Draft7Validator if seven else Draft202012Validator
        resources.append((uri, resource))
        if isinstance(contents.get("$id"), str):
            from urllib.parse import urldefrag, urljoin

            canonical[rel] = urldefrag(urljoin(uri, contents["$id"])).url
            resources.append((canonical[rel], resource))
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        resources
    )
    file, _, fragment = contract.partition("#")
    cls = drafts[file]
    base = canonical.get(file, f"file:///schemas/{file}")
    return cls(
        {"$ref": base + (f"#{fragment}" if fragment else "")},
        registry=registry,
        format_checker=cls.FORMAT_CHECKER,
    )


@pytest.fixture
def clean_modules() -> Iterator[None]:
    """Forget generated packages imported by a test (they reuse names): the
    modules of top-level packages the test imported first. A submodule that a
    library loaded before imports lazily during the test (pydantic.fields, on a
    generated module's `from pydantic import Field`) stays: forgotten, it would be
    imported again as new classes that the library's loaded modules do not know
    (a FieldInfo left unmerged in a field's metadata: its alias lost)."""
    before = set(sys.modules)
    path = list(sys.path)
    yield
    for name in set(sys.modules) - before:
        if name.partition(".")[0] not in before:
            del sys.modules[name]
    sys.path[:] = path


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis for the tests: ``REDIS_URL`` when set, else a throwaway redis-server."""
    from runtime.testing import RedisServer, redis_url_from_env

    url = redis_url_from_env()
    if url is not None:
        yield url
        return
    with RedisServer() as server:
        yield server.url


@pytest.fixture(params=["sync", "async"])
def shell(request: pytest.FixtureRequest, redis_url: str) -> Iterator[Shell]:
    """A maker of sync or asyncio consumers and presences (tests/shells.py): a test
    that takes it runs against both shells of the twin APIs."""
    from tests.shells import Shell

    made = Shell(request.param, redis_url)
    yield made
    made.close()
