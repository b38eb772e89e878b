"""The prerequisite graph: cycle detection and a study order that respects prerequisites."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlcamp.curriculum.graph import find_cycles, study_order


@st.composite
def dags(draw: st.DrawFn) -> tuple[list[str], dict[str, list[str]]]:
    """A random DAG: node i may only require nodes with a smaller index, shuffled order."""
    size = draw(st.integers(min_value=1, max_value=25))
    nodes = [f"t{i}" for i in range(size)]
    edges = {
        node: sorted(draw(st.sets(st.sampled_from(nodes[:i]), max_size=min(i, 4))) if i else set())
        for i, node in enumerate(nodes)
    }
    order = draw(st.permutations(nodes))
    return list(order), edges


@given(dags())
def test_dag_has_no_cycle_and_order_respects_prerequisites(
    graph: tuple[list[str], dict[str, list[str]]],
) -> None:
    order, edges = graph
    assert find_cycles(edges) == []
    placed = study_order(order, edges)
    assert sorted(placed) == sorted(order)
    position = {node: i for i, node in enumerate(placed)}
    for node, requires in edges.items():
        for prerequisite in requires:
            assert position[prerequisite] < position[node]


@given(dags(), st.data())
def test_back_edge_creates_a_reported_cycle(
    graph: tuple[list[str], dict[str, list[str]]], data: st.DataObject
) -> None:
    _, edges = graph
    with_requirements = [node for node, requires in edges.items() if requires]
    if not with_requirements:
        return
    node = data.draw(st.sampled_from(with_requirements))
    prerequisite = data.draw(st.sampled_from(edges[node]))
    edges[prerequisite] = [*edges[prerequisite], node]  # prerequisite now requires node
    cycles = find_cycles(edges)
    assert cycles, "a cycle was added but none was found"
    for cycle in cycles:
        assert cycle[0] == cycle[-1]
        for a, b in itertools.pairwise(cycle):
            assert b in edges[a], f"{a} -> {b} is not an edge"
    assert any({node, prerequisite} <= set(cycle) for cycle in cycles)
    with pytest.raises(ValueError, match="cycle"):
        study_order(list(edges), edges)


def test_cycle_reported_once_and_rotated() -> None:
    edges = {"c": ["a"], "a": ["b"], "b": ["c"], "d": ["a"]}
    assert find_cycles(edges) == [["a", "b", "c", "a"]]


def test_study_order_keeps_given_order_when_free() -> None:
    assert study_order(["x", "y", "z"], {"x": [], "y": [], "z": []}) == ["x", "y", "z"]
    assert study_order(["x", "y", "z"], {"x": ["z"], "y": [], "z": []}) == ["y", "z", "x"]
