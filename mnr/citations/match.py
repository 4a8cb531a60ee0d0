"""Match parsed cited references to the library's works, and group the rest.

Three ways, tried in order: the DOI; the Web of Science way ("citation": first
author and year, with volume and first page agreeing, or one of them agreeing in
a compatible journal); the Scopus way ("title": rapidfuzz similarity of the
normalised titles, a year either side, first authors agreeing when both are
known). A near miss - the same author and year, another paper - never matches:
a volume, a page, a title number or a DOI that disagrees rules a work out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Indel

from mnr.citations.parse import CitedRef
from mnr.normalise import (
    author_names,
    doi_family,
    first_author_match,
    journal_similarity,
    normalise_doi,
    normalise_journal,
    normalise_title,
    page_range,
    title_numbers,
    volume_number,
    words,
)

if TYPE_CHECKING:
    from mnr.library import Library
    from mnr.works import Work

TITLE_SCORE = 90.0  # rapidfuzz ratio or token_sort_ratio on normalised titles, 0-100
SHORT_TITLE = 30  # a title shorter than this must agree more closely
_BLOCK = 4  # surname letters in the blocking key
_AFFIX = 24  # title letters in the prefix and suffix blocking keys


@dataclass(frozen=True, slots=True)
class WorkKey:
    """What a work is matched on, normalised once."""

    work_id: int
    first_author: str  # surname key, "" when unknown
    year: int | None
    title: str  # normalise_title
    source: str  # normalise_journal
    volume: str | None  # volume_number
    first_page: int | None
    dois: frozenset[str]

    @classmethod
    def of(cls, work_id: int, *, authors: Sequence[str] = (), year: int | None = None,
           title: str | None = None, journal: str | None = None, volume: str | None = None,
           pages: str | None = None, dois: Iterable[str | None] = ()) -> WorkKey:
        """A key from a work's fields as stored."""
        names = author_names(list(authors), limit=1)
        found = {d for d in (normalise_doi(x) for x in dois) if d}
        return cls(work_id, names[0] if names else "", year, normalise_title(title),
                   normalise_journal(journal), volume_number(volume), page_range(pages, year)[0],
                   frozenset(found | {f for f in map(doi_family, found) if f}))


class Match(NamedTuple):
    """A reference's work (None when unmatched) and how: "doi", "citation" or "title"."""

    work_id: int | None
    how: str | None


@dataclass(frozen=True, slots=True)
class RefParts:
    """A reference's parts normalised for comparison."""

    author: str
    year: int | None
    title: str
    source: str
    volume: str | None
    page: int | None
    doi: str | None
    cut_title: str  # the source as a title cut short: "VISUALIZING KNOWLEDG", "MODERN MU.."

    @classmethod
    def of(cls, ref: CitedRef) -> RefParts:
        title = ref.title
        if not title and ref.volume is None and ref.first_page is None:
            title = ref.source  # a book: its title stands where a journal would
        return cls(ref.first_author or "", ref.year, normalise_title(title),
                   normalise_journal(ref.source), volume_number(ref.volume),
                   page_range(ref.first_page, ref.year)[0], ref.doi,
                   words(ref.source) if ref.source and not ref.title else "")


def _agree(a: object, b: object) -> bool | None:
    """True or False when both are known, None when either is not."""
    return None if a is None or b is None else a == b


def _title_score(a: str, b: str) -> float:
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


def _few_edits(a: str, b: str) -> bool:
    """Typos, not another word: "adults" for "adolescents" is seven edits, too many."""
    limit = max(4, int(0.06 * max(len(a), len(b))))
    return Indel.distance(a, b, score_cutoff=limit) <= limit or Indel.distance(
        " ".join(sorted(a.split())), " ".join(sorted(b.split())), score_cutoff=limit) <= limit


def _shortens(short: str, long: str) -> bool:
    """``short`` abbreviates ``long``: its first letter, then its letters in order."""
    if not short or short[0] != long[0]:
        return False
    at = 0
    for char in short:
        at = long.find(char, at) + 1
        if not at:
            return False
    return True


@lru_cache(maxsize=100_000)
def journals_agree(a: str, b: str) -> bool | None:
    """Two normalised journal names name one journal (None when either is unknown).

    ``journal_similarity``, or the shorter name's words abbreviating some of the
    longer's in order ("prog neur biol psyc" / "progress neuro psychopharmacology
    biological psychiatry"), one word left over when it has four or more
    ("p natl acad sci usa")."""
    if not a or not b:
        return None
    if journal_similarity(a, b) >= 0.9:
        return True
    short, long = sorted((a.split(), b.split()), key=len)
    if len(short) < 2 or not (_shortens(short[0], long[0]) or _shortens(long[0], short[0])):
        return False
    misses, at = 0, 1
    for word in short[1:]:
        found = next((i for i in range(at, len(long))
                      if _shortens(word, long[i]) or _shortens(long[i], word)), None)
        if found is None:
            misses += 1
        else:
            at = found + 1
    return misses == 0 or (misses == 1 and len(short) >= 4)


def _same_author(a: str, b: str, lenient: bool) -> bool:
    """First authors agree; ``lenient`` (volume and page agree) forgives one typo."""
    if first_author_match(a, b):
        return True
    return lenient and min(len(a), len(b)) >= 3 and OSA.distance(a, b) <= 1


class WorkIndex:
    """The works, indexed by DOI, by (surname, year), by citation, by title and by year."""

    def __init__(self, keys: Iterable[WorkKey]) -> None:
        self.keys: list[WorkKey] = list(keys)
        self.by_doi: dict[str, int] = {}
        self.by_author: dict[tuple[str, int | None], list[WorkKey]] = defaultdict(list)
        self.by_citation: dict[tuple[int | None, str, int], list[WorkKey]] = defaultdict(list)
        self.by_affix: dict[str, list[WorkKey]] = defaultdict(list)  # "<prefix", ">suffix"
        self.by_year: dict[int | None, list[WorkKey]] = defaultdict(list)
        self._year_titles: dict[int, list[str]] = {}
        for key in self.keys:
            for doi in key.dois:
                self.by_doi.setdefault(doi, key.work_id)
            self.by_author[key.first_author[:_BLOCK], key.year].append(key)
            if key.volume and key.first_page is not None:
                self.by_citation[key.year, key.volume, key.first_page].append(key)
            for affix in {"<" + key.title[:_AFFIX], ">" + key.title[-_AFFIX:]}:
                if len(key.title) >= SHORT_TITLE:
                    self.by_affix[affix].append(key)
            self.by_year[key.year].append(key)

    @classmethod
    def from_works(cls, works: Iterable[Work]) -> WorkIndex:
        """From ``works.works``: the merged view, with every record's DOI."""
        return cls(WorkKey.of(w.work_id, authors=w.merged.authors, year=w.merged.year,
                              title=w.merged.title, journal=w.merged.journal,
                              volume=w.merged.volume, pages=w.merged.pages,
                              dois=[r.doi for r in w.records])
                   for w in works)

    @classmethod
    def from_library(cls, library: Library) -> WorkIndex:
        """Every work of the library's active searches."""
        from mnr.works import works

        return cls.from_works(works(library))

    # -- matching ---------------------------------------------------------------------

    def match(self, ref: CitedRef) -> Match:
        """The work a reference points to: DOI, then citation, then title."""
        if ref.doi:
            found = self.by_doi.get(ref.doi)
            if found is None and (family := doi_family(ref.doi)) != ref.doi and family:
                found = self.by_doi.get(family)
            if found is not None:
                return Match(found, "doi")
        r = RefParts.of(ref)
        work = self._citation(r)
        if work is not None:
            return Match(work, "citation")
        work = self._title(r)
        return Match(work, "title" if work is not None else None)

    def match_all(self, refs: Sequence[CitedRef]) -> list[Match]:
        """``match`` over many references; one seen before is matched once."""
        seen: dict[CitedRef, Match] = {}
        return [seen[r] if r in seen else seen.setdefault(r, self.match(r)) for r in refs]

    def _rules_out(self, r: RefParts, w: WorkKey) -> bool:
        """A DOI, a volume or a first page that disagrees: another paper."""
        if r.doi and w.dois and r.doi not in w.dois and doi_family(r.doi) not in w.dois:
            return True
        return _agree(r.volume, w.volume) is False or _agree(r.page, w.first_page) is False

    def _citation(self, r: RefParts) -> int | None:
        """First author + year + (volume and page, or one of them in a compatible journal);
        a book cited by its (truncated) title in the source field; a year off by one only
        with volume, page and journal all agreeing."""
        if not r.author or r.year is None:
            return None
        best: list[tuple[float, WorkKey]] = []
        years = (r.year, r.year - 1, r.year + 1)
        blocks = [self.by_author.get((r.author[:_BLOCK], y), []) for y in years]
        if r.volume and r.page is not None:  # also finds a misspelt first author
            blocks += [self.by_citation.get((y, r.volume, r.page), []) for y in years]
        for w in _each(blocks):
            if not w.first_author:
                continue
            lenient = r.volume is not None and r.volume == w.volume and r.page == w.first_page
            if not _same_author(r.author, w.first_author, lenient) or self._rules_out(r, w):
                continue
            score = self._citation_score(r, w)
            if score:
                best.append((score, w))
        return _best(best)

    @staticmethod
    def _citation_score(r: RefParts, w: WorkKey) -> int:
        volume, page = _agree(r.volume, w.volume), _agree(r.page, w.first_page)
        journal = journals_agree(r.source, w.source)
        if w.year != r.year:
            return 2 if volume and page and journal else 0
        if volume and page:
            return 4 if journal is not False else 3
        if len(r.cut_title) >= 12 and w.title.startswith(r.cut_title):
            return 2 if page else 1  # the source is the work's title, as WoS cuts it
        if r.title and w.title and _title_score(r.title, w.title) < 60:
            return 0  # another title: only volume and page together outweigh it
        return 2 if (volume or page) and journal else 0

    def _title(self, r: RefParts) -> int | None:
        """Titles alike (rapidfuzz) within a year either side, first authors agreeing."""
        if not r.title or r.year is None or (not r.author and len(r.title) < SHORT_TITLE):
            return None
        years = (r.year, r.year - 1, r.year + 1)
        blocks = [self.by_author.get((r.author[:_BLOCK], y), []) for y in years]
        blocks += [self.by_author.get(("", y), []) for y in years] if r.author else []
        blocks += [self.by_affix.get(a, []) for a in ("<" + r.title[:_AFFIX],
                                                      ">" + r.title[-_AFFIX:])]
        if not r.author:  # nothing to block on: the closest titles of those years
            blocks += [self._closest(r.title, y) for y in years]
        best: list[tuple[float, WorkKey]] = []
        cutoff = TITLE_SCORE if len(r.title) >= SHORT_TITLE else 97.0
        for w in _each(blocks):
            if w.year not in years or not w.title:
                continue
            score = _title_score(r.title, w.title)
            if score < cutoff or not _few_edits(r.title, w.title) or self._rules_out(r, w):
                continue
            if r.author and w.first_author and not _same_author(
                    r.author, w.first_author, lenient=score >= 95 and len(r.title) >= 40):
                continue
            if journals_agree(r.source, w.source) is False \
                    and journal_similarity(r.source, w.source) < 0.6:
                continue  # the same title in another journal: an abstract, a reprint
            if title_numbers(r.title) != title_numbers(w.title):
                continue  # "part 1" is not "part 2"
            best.append((score, w))
        return _best(best)

    def _closest(self, title: str, year: int) -> list[WorkKey]:
        """The works of ``year`` whose titles are closest (rapidfuzz over the year's titles)."""
        keys = self.by_year.get(year, [])
        if year not in self._year_titles:
            self._year_titles[year] = [k.title for k in keys]
        return [keys[at] for _, _, at in process.extract(
            title, self._year_titles[year], scorer=fuzz.ratio, limit=3, score_cutoff=TITLE_SCORE)]


def _each(blocks: list[list[WorkKey]]) -> Iterator[WorkKey]:
    """The works of the blocks, each once."""
    seen: set[int] = set()
    for w in (w for block in blocks for w in block if w.work_id not in seen):
        seen.add(w.work_id)
        yield w


def _best(scored: Sequence[tuple[float, WorkKey]]) -> int | None:
    """The best candidate's work; None when two different papers tie for best."""
    if not scored:
        return None
    top = max(s for s, _ in scored)
    tied = sorted((w for s, w in scored if s == top), key=lambda w: w.work_id)
    first = tied[0]
    for other in tied[1:]:
        if first.title and other.title and _title_score(first.title, other.title) < TITLE_SCORE:
            return None  # same author, year and evidence, two papers: ambiguous
    return first.work_id


def shares(matches: Sequence[Match]) -> dict[str, float]:
    """The share of references matched, in all and by each way."""
    total = len(matches) or 1
    out = {"matched": sum(1 for m in matches if m.work_id is not None) / total}
    for how in ("doi", "citation", "title"):
        out[how] = sum(1 for m in matches if m.how == how) / total
    return out
