"""What every node of a reference graph reaches, computed once per node.

The compiler asks the same question of two graphs: of declarations (which
full-check locations does a contract reach through its references?) and of
files (which files does a schema file reach, for its fingerprint and its
``documents``?). Asking it by a walk from every node costs O(nodes x reached);
here the strongly connected components are found once (Tarjan's algorithm, with
an explicit stack, so a chain thousands of references deep is no recursion),
and each component's answer is its own values plus the answers of the
components it points to, which are complete first because Tarjan closes
components in reverse topological order. The cost is that of the edges plus the
size of the answers.
"""

from __future__ import annotations

import sys
from collections.abc import Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

N = TypeVar("N", bound=Hashable)
V = TypeVar("V", bound=Hashable)


def components(nodes: Iterable[N], edges: Mapping[N, Iterable[N]]) -> list[list[N]]:
    """Strongly connected components, each after every component it points to.

    Edges to nodes missing from ``edges`` are ignored.
    """
    index: dict[N, int] = {}
    low: dict[N, int] = {}
    on_stack: set[N] = set()
    stack: list[N] = []
    result: list[list[N]] = []
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in edges:
                    continue
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    result.append(component)
    return result


def reached_values(
    edges: Mapping[N, Iterable[N]], own: Mapping[N, Iterable[V]]
) -> dict[N, frozenset[V]]:
    """For every node of ``edges``: the ``own`` values of every node it reaches,
    itself included (nodes missing from ``own`` have none)."""
    answer: dict[N, frozenset[V]] = {}
    for component in components(list(edges), edges):
        members = set(component)
        values: set[V] = set()
        parts: list[frozenset[V]] = []
        for node in component:
            values.update(own.get(node, ()))
            for child in edges[node]:
                if child in edges and child not in members:
                    parts.append(answer[child])
        if parts:
            biggest = max(parts, key=len)
            if not values and all(p <= biggest for p in parts):
                result = biggest  # shared, not copied: a chain stays linear
            else:
                result = frozenset(values.union(*parts))
        else:
            result = frozenset(values)
        for node in component:
            answer[node] = result
    return answer


@contextmanager
def recursion_room(frames: int) -> Iterator[None]:
    """Let the block nest ``frames`` more Python calls than the limit allows now.

    Lowering and rendering follow a chain of references by recursion, a few
    frames per link. Python 3.11+ keeps Python-to-Python calls off the C stack, so
    the room costs memory only as deep as a schema really nests; the depth itself
    is bounded by ``nodes.MAX_NESTING``, refused with a code past it.
    """
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(old + frames)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)
