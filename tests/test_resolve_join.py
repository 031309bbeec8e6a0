"""``SchemaGraph.join`` (codegen/compiler/resolve.py) answers as ``urljoin`` does,
whatever it joined before: it reuses joins by folder and by base."""

from __future__ import annotations

import itertools
from pathlib import Path
from urllib.parse import urljoin

from codegen.compiler.load import load_all
from codegen.compiler.resolve import SchemaGraph

BASES = [
    "file:///schemas/a/b.json",
    "file:///schemas/a/c.json",
    "file:///schemas/x.json",
    "file:///schemas/a/",
    "file:///schemas/a/b;p.json",
    "file:///schemas/a/b;",
    "file:///schemas/a/b.json;x=1",
    "file:///schemas/a/b.json?q",
    "file:///schemas/a/b.json#f",
    "file:///schemas/a\tb/c.json",
    "file:///schemas/a/./b/../c.json",
    "file:///schemas//a.json",
    "file:///schemas/%20a/b.json",
    "file:///other/a.json",
    "https://example.com/s/x.json",
    "https://example.com",
    "http://h/a/b?x/y",
    "urn:uuid:123",
    "tag:a/b",
]
REFS = [
    "",
    "#",
    "#/$defs/A",
    "#a",
    "#/x y",
    "#/a\tb",
    "#\n",
    "#/a#b",
    "#?q",
    "#/a:b",
    "x.json",
    "../x.json#/a",
    "./x.json",
    "..",
    "a/../b.json",
    "../../../../x.json",
    "a b.json",
    " x.json",
    "x;y.json#f",
    "x.json?q#f",
    ";p",
    "?q",
    "/abs.json",
    "//host/x",
    "https://e.com/x#y",
    "file:z.json",
    "urn:x",
]


def test_join_is_urljoin_in_any_order(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{}")
    documents, _ = load_all(tmp_path)
    graph = SchemaGraph(documents)
    pairs = list(itertools.product(BASES, REFS))
    for order in (pairs, pairs[::-1], pairs):  # fresh, then from what is kept
        for base, ref in order:
            assert graph.join(base, ref) == urljoin(base, ref), (base, ref)
