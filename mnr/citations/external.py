"""Unmatched references grouped by the publication they name: the graph's external nodes.

Two references outside the library name one publication when they share a DOI, a first
author with year and first page, or a first author with year and title; the DOI names
the group when there is one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from mnr.citations.match import Match, RefParts
from mnr.citations.parse import CitedRef
from mnr.normalise import journal_initials, words


@dataclass(frozen=True, slots=True)
class ExternalNode:
    """References to one publication outside the library."""

    key: str  # "doi:..", "page:author|year|page", "title:..", "src:..", "raw:.."
    ref: CitedRef  # the fullest of its references
    members: list[int]  # positions in the references given
    citing: int  # citing works (or references, when no citing ids were given)


def _keys(ref: CitedRef) -> tuple[list[str], str]:
    """Keys under which two references name one publication: the strong ones (DOI; first
    author, year and page; first author, year and title), and a weak one (first author,
    year and the journal's initials) for a reference with none of those."""
    r = RefParts.of(ref)
    strong = [f"doi:{ref.doi}"] if ref.doi else []
    if r.year and r.page is not None and r.author:
        strong.append(f"page:{r.author}|{r.year}|{r.page}")
    if ref.title and r.year and len(r.title) >= 15 and (r.author or len(r.title) >= 40):
        strong.append(f"title:{r.author}|{r.year}|{r.title[:40]}")
    if r.author and r.year and r.source:
        return strong, f"src:{r.author}|{r.year}|{journal_initials(r.source)}"
    return strong, f"raw:{words(ref.raw)}"


def _fullness(ref: CitedRef) -> tuple[bool, int]:
    """A reference with a title first, then the one with more parts."""
    return bool(ref.title), sum(1 for v in (ref.first_author, ref.year, ref.title, ref.source,
                                            ref.volume, ref.first_page, ref.doi) if v)


def group_unmatched(refs: Sequence[CitedRef], matches: Sequence[Match] | None = None,
                    citing: Sequence[int] | None = None) -> list[ExternalNode]:
    """Unmatched references grouped by publication, most cited first.

    References sharing a strong key are one group (named by its DOI when it has one); one
    with only a weak key joins the single group whose references share that key, else a
    group of its own. Without ``matches`` every reference is taken as unmatched.
    ``citing`` (each reference's citing work) makes ``citing`` count distinct citing works."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    if matches is not None and len(matches) != len(refs):
        raise ValueError("one match per reference")
    keys = {at: _keys(ref) for at, ref in enumerate(refs)
            if matches is None or matches[at].work_id is None}
    for strong, _ in keys.values():
        for key in strong[1:]:
            a, b = sorted((root(strong[0]), root(key)), key=_rank)
            if a != b:
                parent[b] = a  # a group is named by its best key: the DOI if any
    by_weak: dict[str, set[str]] = defaultdict(set)
    for strong, weak in keys.values():
        if strong:
            by_weak[weak].add(root(strong[0]))
    groups: dict[str, list[int]] = defaultdict(list)
    for at, (strong, weak) in keys.items():
        if strong:
            key = root(strong[0])
        else:
            found = by_weak.get(weak, set())
            key = next(iter(found)) if len(found) == 1 else weak
        groups[key].append(at)
    nodes = [ExternalNode(key, max((refs[i] for i in members), key=_fullness), members,
                          len({citing[i] for i in members}) if citing else len(members))
             for key, members in groups.items()]
    return sorted(nodes, key=lambda n: (-n.citing, n.key))


_KINDS = ("doi", "page", "title", "src", "raw")


def _rank(key: str) -> tuple[int, str]:
    return _KINDS.index(key.split(":", 1)[0]), key
