"""Clustering accepted pairs into works, with human decisions and chain prevention."""

from __future__ import annotations

from mnr.dedupe.cluster import cluster
from mnr.dedupe.match import Pair


def test_connected_groups_and_singletons() -> None:
    pairs = [(1, 2, 0.99), (2, 3, 0.98), (5, 6, 0.9)]
    assert cluster(range(1, 8), pairs) == [[1, 2, 3], [4], [5, 6], [7]]


def test_accepts_pair_objects_and_is_deterministic() -> None:
    pairs = [Pair(3, 4, 0.9, "duplicate", "same DOI"), Pair(1, 3, 0.95, "duplicate", "x")]
    assert cluster([4, 3, 2, 1], pairs) == cluster([1, 2, 3, 4], list(reversed(pairs)))
    assert cluster([1, 2, 3, 4], pairs) == [[1, 3, 4], [2]]


def test_different_dois_never_share_a_group() -> None:
    # 1-2 and 3-4 are two papers; a bad 2-3 link would chain them together
    pairs = [(1, 2, 0.99), (3, 4, 0.99), (2, 3, 0.97)]
    dois = {1: "10.1000/a", 4: "10.1000/b"}
    assert cluster([1, 2, 3, 4], pairs, dois=dois) == [[1, 2], [3, 4]]


def test_weak_bridge_between_dense_groups_is_cut() -> None:
    # two dense triangles joined by one weaker link: two works, not one
    pairs = [(1, 2, 0.99), (1, 3, 0.98), (2, 3, 0.97),
             (4, 5, 0.99), (4, 6, 0.98), (5, 6, 0.97), (3, 4, 0.80)]
    assert cluster(range(1, 7), pairs) == [[1, 2, 3], [4, 5, 6]]


def test_dense_group_is_kept_whole() -> None:
    pairs = [(a, b, 0.9) for a in range(1, 5) for b in range(a + 1, 5)]
    assert cluster(range(1, 5), pairs) == [[1, 2, 3, 4]]
    # a chain of equally strong links has no weak bridge to cut
    assert cluster(range(1, 5), [(1, 2, 0.9), (2, 3, 0.9), (3, 4, 0.9)]) == [[1, 2, 3, 4]]


def test_keep_apart_is_honoured_even_through_others() -> None:
    pairs = [(1, 2, 0.99), (2, 3, 0.98)]
    assert cluster([1, 2, 3], pairs, keep_apart=[(1, 3)]) == [[1, 2], [3]]
    assert cluster([1, 2], [(1, 2, 0.99)], keep_apart=[(2, 1)]) == [[1], [2]]


def test_merges_are_honoured() -> None:
    assert cluster([1, 2, 3], [], merges=[(1, 3)]) == [[1, 3], [2]]
    # a human merge is never cut as a weak bridge
    pairs = [(1, 2, 0.99), (3, 4, 0.99)]
    assert cluster([1, 2, 3, 4], pairs, merges=[(2, 3)]) == [[1, 2, 3, 4]]


def test_merge_against_keep_apart_keeps_apart() -> None:
    assert cluster([1, 2], [], merges=[(1, 2)], keep_apart=[(1, 2)]) == [[1], [2]]
