"""The scans of a schema file's text for what a walk or a pruned registry cannot
follow take fewer passes over the text (runtime/_errorwalk.py ``unwalkable``,
runtime/_reach.py ``unsafe``), with the answers of one scan per word."""

from __future__ import annotations

import random

import pytest

from runtime._errorwalk import _UNWALKABLE, unwalkable
from runtime._reach import _UNSAFE, unsafe

# Pieces that spell the words, parts of them and their neighbours.
_PIECES = (
    "draft-0", "draft-", "3", "4", "7", "0", "dynamic", "Anchor", "Ref", "$",
    "recursive", '"', "\\", "u", "anchor", "x", " ",
)  # fmt: skip


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    fixed = [
        "", "draft-0", "draft-07 draft-03", "draft-0draft-04", "draft-08",
        *_UNWALKABLE, *_UNSAFE, '"$recursiveAnchor', "$recursiveAnchor",
    ]  # fmt: skip
    return fixed + [
        "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 8)))
        for _ in range(count)
    ]


@pytest.mark.parametrize("seed", [1, 2])
def test_unwalkable_is_any_word_of_the_list(seed: int) -> None:
    texts = _texts(seed, 50_000)
    assert sum(unwalkable(t) for t in texts) > 1000  # both answers are met
    for text in texts:
        assert unwalkable(text) == any(w in text for w in _UNWALKABLE), text


@pytest.mark.parametrize("seed", [1, 2])
def test_unsafe_is_any_word_of_the_list(seed: int) -> None:
    texts = _texts(seed, 50_000)
    assert sum(unsafe(t) for t in texts) > 1000
    for text in texts:
        assert unsafe(text) == any(w in text for w in _UNSAFE), text
