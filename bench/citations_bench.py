"""Citation matching benchmark: 100,000 cited references against a 20,000-work library.

The works are records of bib-dedupe 0.7.2's labelled sets (``depression`` first),
read with mnr's CSV reader, one record per labelled duplicate group, each with an
author, a year, a title and a journal. The references are generated from them in
the Web of Science style ("SURNAME FI, 1994, J ABBREV, V107, P329, DOI ...": the
journal abbreviated and cut at 20 letters, the DOI there 60% of the time, the page
or volume sometimes missing) and the Scopus styles (RIS "Surname, F.I., Title
(1994) Abbrev, 107 (2), pp. 329-338" and CSV "Surname F.I.; ..., Title, Abbrev,
107, 2, pp. 329-338, (1994)"), with noise: a typo in the surname (3%) or in the
title (30%), the year one off (3%), a reference without authors (2%). Beside those
(60%) come references to publications outside the library (the same sets' other
records, 32%) and near misses (8%: a library work's first author, year and journal,
another paper's title, volume and pages), which must not match.

It times parsing, indexing the works and matching (the goal: under 15 s), and
prints per style the share matched, the share of matches that are right, the
share of the references to library works found, and the false matches.

    python bench/citations_bench.py [--works 20000] [--refs 100000] [--data DIR] [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SETS = ["depression", "srsr", "cardiac", "neuroimaging", "diabetes"]
GOAL_S = 15.0
_STOP = {"of", "the", "and", "for", "in", "on", "de", "la", "le", "et", "und", "fur"}


@dataclass(frozen=True, slots=True)
class Paper:
    """A publication as the generator sees it."""

    work_id: int | None  # None: outside the library
    names: list[tuple[str, str]]  # (surname as written, initials "F.E.")
    year: int
    title: str
    journal: str
    volume: str | None
    pages: str | None
    doi: str | None


def load(data: Path, wanted: int, outside: int) -> tuple[list[Paper], list[Paper]]:
    """Library papers (``wanted``) and outside papers, one per labelled duplicate group."""
    sys.path.insert(0, str(REPO))
    from mnr.formats import get_reader
    from mnr.normalise import normalise_doi, split_glued, surname

    reader = get_reader("csv_table")
    papers: list[Paper] = []
    for name in SETS:
        folder = data / name
        group: dict[str, str] = {}
        with (folder / "merged_record_ids.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                members = row["merged_ids"].split(";")
                group.update((m, members[0]) for m in members)
        seen: set[str] = set()
        for path in sorted(folder.glob("records_pre_merged*.csv")):
            for record in reader.read(path.read_text("utf-8")):
                key = group.get(str(record.source_id), str(record.source_id))
                if key in seen or not (record.title and record.year and record.authors
                                       and record.journal) or len(record.title) < 20:
                    continue
                seen.add(key)
                names = []
                for part in [p for a in record.authors[:3] for p in split_glued(a)][:3]:
                    initials = "".join(re.findall(r"([A-Z])\.", part[len(surname(part)):]))
                    names.append((surname(part).capitalize(), initials or "A"))
                if not names[0][0]:
                    continue
                journal = re.split(r"\.\s*\d|\(", record.journal)[0].strip(" .")
                papers.append(Paper(None, names, record.year, record.title.rstrip("."),
                                    journal, record.volume, record.pages,
                                    normalise_doi(record.doi)))
        if len(papers) >= wanted + outside:
            break
    random.Random(1).shuffle(papers)
    library = [dataclasses.replace(p, work_id=i + 1) for i, p in enumerate(papers[:wanted])]
    # the sets overlap: a paper outside must not be a library paper under another id
    known = {k for p in library for k in _keys(p)}
    others = [p for p in papers[wanted:] if not known.intersection(_keys(p))]
    return library, others[:outside]


def _keys(p: Paper) -> list[tuple[object, ...]]:
    from mnr.normalise import normalise_title

    title = normalise_title(p.title)
    return [("t", title[:40], p.year), ("t", title[-40:], p.year),
            ("c", p.names[0][0].lower()[:4], p.year, p.volume, (p.pages or "").split("-")[0])]


def _abbreviate(journal: str, cut: int | None, upper: bool) -> str:
    """"Journal of Neurophysiology" -> "J NEUROPHYSIOL" (WoS J9) or "J Neurophysiol"."""
    out = []
    for word in re.split(r"[\s.]+", journal):
        if not word or word.lower() in _STOP:
            continue
        short = word if len(word) <= 5 else word[:5].rstrip("aeiou") or word[:5]
        out.append(short.upper() if upper else short[:1].upper() + short[1:])
    text = " ".join(out)
    return text[:cut].rstrip() if cut else text


def _typo(text: str, chance: random.Random) -> str:
    at = chance.randrange(1, max(2, len(text) - 1))
    kind = chance.random()
    if kind < 0.4:
        return text[:at] + text[at + 1:]
    if kind < 0.7:
        return text[:at] + chance.choice("aeiouns") + text[at:]
    return text[:at - 1] + text[at] + text[at - 1] + text[at + 1:]


def _pages(p: Paper) -> tuple[str | None, str | None]:
    if not p.pages:
        return None, None
    first, _, last = p.pages.partition("-")
    return first.strip() or None, last.strip() or None


def wos(p: Paper, chance: random.Random) -> str:
    surname, initials = p.names[0]
    if chance.random() < 0.03:
        surname = _typo(surname, chance)
    year = p.year + (chance.choice((-1, 1)) if chance.random() < 0.03 else 0)
    parts = [f"{surname.upper()} {initials}", str(year), _abbreviate(p.journal, 20, True)]
    first, _ = _pages(p)
    if p.volume and chance.random() > 0.05:
        parts.append(f"V{p.volume}")
    if first and chance.random() > 0.1:
        parts.append(f"P{first}")
    if p.doi and chance.random() < 0.6:
        parts.append(f"DOI {p.doi}")
    return ", ".join(parts)


def scopus(p: Paper, chance: random.Random) -> str:
    title = p.title
    if chance.random() < 0.3:
        title = _typo(title, chance)
    year = p.year + (chance.choice((-1, 1)) if chance.random() < 0.03 else 0)
    names = list(p.names)
    if chance.random() < 0.03:
        names[0] = (_typo(names[0][0], chance), names[0][1])
    journal = _abbreviate(p.journal, None, False)
    first, last = _pages(p)
    pages = f"pp. {first}-{last}" if first and last else f"p. {first}" if first else None
    if chance.random() < 0.5:  # RIS
        authors = "".join(f"{s}, {'.'.join(i)}., " for s, i in names)
        authors = "" if chance.random() < 0.02 else authors
        tail = ", ".join(x for x in (journal, p.volume, pages) if x)
        return f"{authors}{title} ({year}) {tail}"
    authors = "; ".join(f"{s} {'.'.join(i)}." for s, i in names)
    head = [title] if chance.random() < 0.02 else [authors, title]
    return ", ".join([*head, *(x for x in (journal, p.volume, pages) if x), f"({year})"])


def near_miss(p: Paper, other: Paper) -> Paper:
    """``p``'s first author, year and journal on another paper's title, volume and pages."""
    volume = str(int(p.volume) + 3) if p.volume and p.volume.isdigit() else "999"
    return Paper(None, p.names[:1] + other.names[1:], p.year, other.title, p.journal, volume,
                 "9001-9010", None)


def generate(library: list[Paper], outside: list[Paper], count: int, seed: int
             ) -> tuple[list[str], list[int | None], list[str], list[str]]:  # fmt: skip
    """Reference strings, the true work of each, each one's style and kind (library,
    outside, near miss)."""
    chance = random.Random(seed)
    weights = [1 / (i + 1) ** 0.6 for i in range(len(library))]  # some works cited often
    raws: list[str] = []
    truth: list[int | None] = []
    styles: list[str] = []
    kinds: list[str] = []
    for _ in range(count):
        roll = chance.random()
        if roll < 0.60:
            paper, kind = chance.choices(library, weights)[0], "library"
        elif roll < 0.92:
            paper, kind = chance.choice(outside), "outside"
        else:
            paper, kind = near_miss(chance.choice(library), chance.choice(outside)), "near"
        kinds.append(kind)
        style = "wos" if chance.random() < 0.5 else "scopus"
        raws.append(wos(paper, chance) if style == "wos" else scopus(paper, chance))
        truth.append(paper.work_id)
        styles.append(style)
    return raws, truth, styles, kinds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=20_000)
    parser.add_argument("--refs", type=int, default=100_000)
    parser.add_argument("--data", type=Path, help="bib_dedupe/data folder of the unpacked wheel")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "bench"))
    from dedupe_bench import find_data

    with tempfile.TemporaryDirectory() as tmp:
        data = find_data(args.data, Path(tmp))
        library, outside = load(data, args.works, args.works)
    raws, truth, styles, kinds = generate(library, outside, args.refs, args.seed)
    print(f"{len(library):,} works; {len(raws):,} references ({len(set(raws)):,} distinct), "
          f"{sum(t is not None for t in truth):,} to library works")

    from mnr.citations.match import WorkIndex, WorkKey
    from mnr.citations.parse import parse_many

    started = time.perf_counter()
    index = WorkIndex(WorkKey.of(p.work_id or 0, authors=[f"{s}, {i}" for s, i in p.names],
                                 year=p.year, title=p.title, journal=p.journal,
                                 volume=p.volume, pages=p.pages, dois=[p.doi])
                      for p in library)
    indexed = time.perf_counter()
    refs = parse_many(raws)
    parsed = time.perf_counter()
    matches = index.match_all(refs)
    done = time.perf_counter()
    total = done - started
    print(f"index {indexed - started:.2f} s, parse {parsed - indexed:.2f} s, "
          f"match {done - parsed:.2f} s: total {total:.2f} s (goal < {GOAL_S:.0f} s)")
    print("matched: share matched; correct: matches to the right work; found: references to "
          "library works matched to it;\nfalse: references to outside papers / near misses "
          "matched to a work")
    print(f"{'style':8} {'refs':>7} {'matched':>8} {'correct':>8} {'found':>7} {'false':>9}  how")
    for style in ("wos", "scopus", "all"):
        rows = [i for i, s in enumerate(styles) if style in ("all", s)]
        matched = [i for i in rows if matches[i].work_id is not None]
        right = [i for i in matched if matches[i].work_id == truth[i]]
        should = [i for i in rows if truth[i] is not None]
        found = [i for i in should if matches[i].work_id == truth[i]]
        false = [kinds[i] for i in rows if truth[i] is None and matches[i].work_id is not None]
        wrong = f"{false.count('outside')} / {false.count('near')}"
        how = {h: sum(1 for i in matched if matches[i].how == h) for h in
               ("doi", "citation", "title")}
        print(f"{style:8} {len(rows):7,} {len(matched) / len(rows):8.1%} "
              f"{len(right) / max(1, len(matched)):8.2%} {len(found) / max(1, len(should)):7.1%} "
              f"{wrong:>9}  " + ", ".join(f"{h} {n:,}" for h, n in how.items()))
    network_phase(library, refs, matches, args.seed)
    return 0 if total < GOAL_S else 1


def network_phase(library: list[Paper], refs: list[Any], matches: list[Any], seed: int) -> float:
    """What `mnr network` does after matching, at this scale: each reference given a citing
    work at random, the graph, outside publications grouped, PageRank and Louvain."""
    import networkx as nx

    from mnr.citations.external import group_unmatched

    rng = random.Random(seed)
    ids = [p.work_id or 0 for p in library]
    citing = [rng.choice(ids) for _ in refs]
    started = time.perf_counter()
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(f"W{i}" for i in ids)
    graph.add_edges_from((f"W{c}", f"W{m.work_id}") for c, m in zip(citing, matches, strict=True)
                         if m.work_id is not None and m.work_id != c)
    groups = group_unmatched(refs, matches, citing)
    for number, group in enumerate((g for g in groups if g.citing >= 2), start=1):
        graph.add_edges_from((f"W{citing[i]}", f"X{number}") for i in group.members)
    built = time.perf_counter()
    nx.pagerank(graph)
    ranked = time.perf_counter()
    # as suggest_traditions does: the neighbourhood of the assessed works (here 500)
    undirected = graph.to_undirected()
    core = {f"W{i}" for i in ids[:500]}
    undirected = undirected.subgraph(core | {m for n in core for m in undirected[n]}).copy()
    undirected.remove_nodes_from([n for n in list(undirected) if undirected.degree(n) == 0])
    communities = nx.community.louvain_communities(undirected, seed=1)
    done = time.perf_counter()
    print(f"network: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges, "
          f"{len(groups):,} outside groups, {len(communities):,} communities among "
          f"{undirected.number_of_nodes():,} nodes near 500 assessed works; graph "
          f"{built - started:.2f} s, PageRank {ranked - built:.2f} s, Louvain "
          f"{done - ranked:.2f} s")
    return done - started


if __name__ == "__main__":
    sys.exit(main())
