"""The prerequisite graph: cycles and a study order that respects every prerequisite."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def find_cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Return the prerequisite cycles of a graph, each once, as `[a, b, ..., a]`.

    `edges[x]` lists what x requires. Every elementary cycle reachable by depth-first search is
    reported through its back edge; a cycle is rotated to start at its smallest id, so the same
    cycle found from two places is reported once.
    """
    white, grey, black = 0, 1, 2
    colour: dict[str, int] = {node: white for node in edges}
    found: dict[tuple[str, ...], list[str]] = {}
    for start in sorted(edges):
        if colour[start] != white:
            continue
        stack: list[tuple[str, list[str]]] = [(start, sorted(set(edges.get(start, ()))))]
        path = [start]
        colour[start] = grey
        while stack:
            node, pending = stack[-1]
            if not pending:
                stack.pop()
                path.pop()
                colour[node] = black
                continue
            nxt = pending.pop(0)
            if nxt not in colour:
                continue  # unknown ids are reported elsewhere
            if colour[nxt] == grey:
                cycle = path[path.index(nxt) :]
                pivot = cycle.index(min(cycle))
                rotated = cycle[pivot:] + cycle[:pivot]
                found.setdefault(tuple(rotated), [*rotated, rotated[0]])
            elif colour[nxt] == white:
                colour[nxt] = grey
                path.append(nxt)
                stack.append((nxt, sorted(set(edges.get(nxt, ())))))
    return [found[key] for key in sorted(found)]


def study_order(order: list[str], edges: Mapping[str, Iterable[str]]) -> list[str]:
    """Order nodes so that each comes after its prerequisites, otherwise keeping `order`.

    A stable topological sort: among the nodes whose prerequisites are all placed, the one that
    comes first in `order` goes next. Raises ValueError on a cycle.
    """
    position = {node: index for index, node in enumerate(order)}
    remaining = {node: {p for p in edges.get(node, ()) if p in position} for node in order}
    placed: list[str] = []
    done: set[str] = set()
    while remaining:
        ready = [node for node, needs in remaining.items() if needs <= done]
        if not ready:
            raise ValueError(f"prerequisite cycle among: {', '.join(sorted(remaining))}")
        nxt = min(ready, key=position.__getitem__)
        placed.append(nxt)
        done.add(nxt)
        del remaining[nxt]
    return placed
