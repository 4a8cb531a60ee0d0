"""Group records into works: connected groups of accepted pairs and human merges.

A plain connected-components pass lets one bad link chain two papers together
(A = A', A' ~ B because of a typo, B = B'). Three guards prevent that:

1. **Human decisions first.** Merges a person made are applied before anything
   else; a pair a person kept apart is never joined, directly or through others.
2. **Strongest links first, with cannot-link checks.** Accepted pairs are added
   in order of falling score; a link is refused when it would put two records a
   person kept apart, or two records with different DOIs, into one group (unless
   that very pair was judged one paper with two DOIs and neither side holds a
   third DOI).
3. **Weak bridges are cut.** In a group of four or more records, a link whose
   removal splits the group into two parts of at least two records each, and
   whose score is below every other link of both parts, is a lone bridge
   between two separate groups: it is dropped (the pair stays a review case for
   the engine's caller to show). Dense groups — the usual case, where every copy
   matches every other — have no such bridge and are left whole.

Output is deterministic: each group sorted, groups sorted by their first record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from mnr.collector import paused_gc

Link = tuple[int, int, float]


class _Groups:
    """Union-find that remembers, per group, its DOIs and its kept-apart partners."""

    def __init__(self, ids: Iterable[int], dois: Mapping[int, str]) -> None:
        self.parent = {i: i for i in ids}
        self.doi_of = dois
        self.dois: dict[int, set[str]] = {i: {dois[i]} for i in self.parent if dois.get(i)}
        self.apart: dict[int, set[int]] = defaultdict(set)

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def keep_apart(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        self.apart[ra].add(b)
        self.apart[rb].add(a)

    def allowed(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if any(self.find(x) == rb for x in self.apart.get(ra, ())):
            return False
        da, db = self.dois.get(ra), self.dois.get(rb)
        if not (da and db and da.isdisjoint(db)):
            return True
        # a link judged a duplicate despite different DOIs (a publisher's second DOI)
        # may join the two records themselves, never groups holding other DOIs
        return da == {self.doi_of.get(a)} and db == {self.doi_of.get(b)}

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if ra > rb:
            ra, rb = rb, ra
        self.parent[rb] = ra
        if rb in self.dois:
            self.dois.setdefault(ra, set()).update(self.dois.pop(rb))
        if rb in self.apart:
            self.apart[ra].update(self.apart.pop(rb))


def _as_link(pair: object) -> Link:
    """A (low id, high id, score) link from a Pair or a 2- or 3-tuple."""
    if isinstance(pair, tuple):
        a, b = int(pair[0]), int(pair[1])
        score = float(pair[2]) if len(pair) > 2 else 1.0
    else:
        a, b = int(pair.record_a), int(pair.record_b)  # type: ignore[attr-defined]
        score = float(pair.score)  # type: ignore[attr-defined]
    return (a, b, score) if a < b else (b, a, score)


def _connected(nodes: set[int], edges: list[Link]) -> list[set[int]]:
    adjacent: dict[int, list[int]] = defaultdict(list)
    for a, b, _ in edges:
        adjacent[a].append(b)
        adjacent[b].append(a)
    seen: set[int] = set()
    parts = []
    for start in sorted(nodes):
        if start in seen:
            continue
        part = {start}
        stack = [start]
        while stack:
            for nxt in adjacent[stack.pop()]:
                if nxt not in part:
                    part.add(nxt)
                    stack.append(nxt)
        seen |= part
        parts.append(part)
    return parts


def _bridges(nodes: set[int], edges: list[Link]) -> list[Link]:
    """The links whose removal disconnects the group (Tarjan's low-link, iterative)."""
    adjacent: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for k, (a, b, _) in enumerate(edges):
        adjacent[a].append((b, k))
        adjacent[b].append((a, k))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    found: list[Link] = []
    for root in sorted(nodes):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, -1, iter(adjacent[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            for nxt, k in neighbours:
                if k == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = len(order)
                    stack.append((nxt, k, iter(adjacent[nxt])))
                    break
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.append(edges[via])
    return found


def _cut_weak_bridges(nodes: set[int], edges: list[Link], fixed: set[tuple[int, int]]
                      ) -> list[set[int]]:  # fmt: skip
    """Split a group along lone weak bridges between two parts of two or more records."""
    if len(nodes) < 4:
        return [nodes]
    for edge in sorted(_bridges(nodes, edges), key=lambda e: (e[2], e[0], e[1])):
        if (edge[0], edge[1]) in fixed:
            continue
        rest = [e for e in edges if e is not edge]
        parts = _connected(nodes, rest)
        if min(len(p) for p in parts) < 2:
            continue
        if all(e[2] > edge[2] for e in rest):
            return [q for p in parts
                    for q in _cut_weak_bridges(p, [e for e in rest if e[0] in p], fixed)]
    return [nodes]


def cluster(record_ids: Iterable[int], duplicate_pairs: Iterable[object],
            merges: Iterable[tuple[int, int]] = (), keep_apart: Iterable[tuple[int, int]] = (),
            dois: Mapping[int, str] | None = None) -> list[list[int]]:
    """Groups of records that are one work, every record in exactly one group.

    ``duplicate_pairs`` are ``Pair`` objects or ``(a, b[, score])`` tuples accepted as
    duplicates; ``merges`` and ``keep_apart`` are human decisions; ``dois`` (record ->
    normalised DOI), when given, keeps records with different DOIs apart.
    """
    with paused_gc():
        return _cluster(record_ids, duplicate_pairs, merges, keep_apart, dois)


def _cluster(record_ids: Iterable[int], duplicate_pairs: Iterable[object],
             merges: Iterable[tuple[int, int]], keep_apart: Iterable[tuple[int, int]],
             dois: Mapping[int, str] | None) -> list[list[int]]:
    ids = sorted(set(record_ids))
    groups = _Groups(ids, dois or {})
    for a, b in keep_apart:
        if a in groups.parent and b in groups.parent:
            groups.keep_apart(a, b)
    fixed: set[tuple[int, int]] = set()
    accepted: list[Link] = []
    for a, b in merges:
        if a in groups.parent and b in groups.parent and groups.allowed(a, b):
            groups.union(a, b)
            fixed.add((min(a, b), max(a, b)))
            accepted.append((min(a, b), max(a, b), float("inf")))
    links = sorted((_as_link(p) for p in duplicate_pairs), key=lambda x: (-x[2], x[0], x[1]))
    for a, b, score in links:
        if a in groups.parent and b in groups.parent and groups.allowed(a, b):
            groups.union(a, b)
            accepted.append((a, b, score))
    members: dict[int, set[int]] = defaultdict(set)
    for i in ids:
        members[groups.find(i)].add(i)
    edges: dict[int, list[Link]] = defaultdict(list)
    for link in accepted:
        edges[groups.find(link[0])].append(link)
    out: list[list[int]] = []
    for root, nodes in members.items():
        if len(nodes) < 4:
            out.append(sorted(nodes))
            continue
        for part in _cut_weak_bridges(nodes, edges[root], fixed):
            out.append(sorted(part))
    out.sort()
    return out
