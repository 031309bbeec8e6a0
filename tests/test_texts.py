"""Python and Node word a refused real-world message identically (issue #12).

A seeded sample of ``benchmarks/texts.py``: for each real-world corpus of
``benchmarks/corpora.py``, some of its documents and one-place mutations of them
(a string made a number, a key deleted, a date-time made "yesterday", a stray
property, a bogus enum value, a value made null, a number made a string), each
validated in Python (in this process) and in Node (one process per corpus). Every
report must be the same lines, pointers and texts; the full run (every document,
every kind) is ``python benchmarks/texts.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.corpora import CORPORA
from benchmarks.texts import compare, render

DOCUMENTS = 40  # per corpus (all of a smaller one), drawn with the seed
PER_DOCUMENT = 3  # mutations of each, of different kinds
SEED = 12


@pytest.mark.parametrize("name", list(CORPORA))
def test_both_runtimes_word_a_corpus_and_its_mutations_identically(
    name: str, tmp_path: Path
) -> None:
    result = compare(CORPORA[name](), tmp_path, PER_DOCUMENT, SEED, DOCUMENTS)
    shown = "\n".join(render(result, 10))
    print(shown)
    assert result.documents > result.originals > 0
    assert result.invalid > 0, shown  # the mutations are refused
    assert not result.crashes, shown
    assert not result.differ, shown
