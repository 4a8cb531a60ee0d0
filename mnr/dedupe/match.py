"""Find pairs of records that are the same publication.

Three steps, each over whole arrays rather than pair by pair:

1. *Features*: every record's fields normalised once (``normalise``).
2. *Blocking*: candidate pairs are records that share a key — the DOI (without a
   version suffix, or a Cochrane review number), the PMID, the first author and
   year, journal initials + volume + first page, year + volume + first page — or
   that sit within a few places when all titles are sorted (forwards and
   reversed, to survive a typo at either end). Large blocks are walked as a
   sliding window in title order, so comparisons grow linearly.
3. *Comparing*: titles and author lists of all candidates are scored at once with
   ``rapidfuzz.process.cpdist`` (all cores); only pairs with some real agreement
   get their evidence gathered and reach ``rules.judge``, which gives each a
   verdict and a reason.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

from mnr import normalise as nz
from mnr.collector import paused_gc
from mnr.dedupe.rules import DIFFERENT, SAME, UNKNOWN, VERSION, Evidence, Verdict, judge, score

if TYPE_CHECKING:
    from mnr.library.models import MatchFields
    from mnr.records import StoredRecord

@dataclass(frozen=True, slots=True)
class DedupeRecord:
    """The fields deduplication looks at, as stored (raw, not yet normalised)."""

    record_id: int
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    issn: str | None = None
    pub_type: str | None = None
    database: str | None = None

    @classmethod
    def from_stored(cls, record: StoredRecord | MatchFields) -> DedupeRecord:
        """From a library record; an ISSN filed under ISBN (EndNote's SN) counts as ISSN."""
        return cls(record.record_id, record.title, record.authors, record.year, record.journal,
                   record.volume, record.issue, record.pages, record.doi, record.pmid,
                   _issn(record), record.pub_type, record.database)


def _issn(record: StoredRecord | MatchFields) -> str | None:
    """The record's ISSN, or an ISSN filed under ISBN (EndNote's SN)."""
    if not record.issn and record.isbn and nz.issns(record.isbn):
        return record.isbn
    return record.issn


@dataclass(frozen=True, slots=True)
class Pair:
    """Two records judged the same publication ("duplicate") or possibly so ("review")."""

    record_a: int
    record_b: int
    score: float
    verdict: Verdict
    reason: str


def doi_key(doi: str | None) -> str | None:
    """A normalised DOI as deduplication compares it: without a version suffix, and
    without its punctuation, which exports garble ("10.1210/endrevbnz002" for
    "10.1210/endrev/bnz002", "fnrv57i0" for "fnr.v57i0", "_3" for "-3")."""
    family = nz.doi_family(doi)
    if family and "/10." in family:  # "10.3779/10.3779/j.issn...": the prefix typed twice
        family = family[family.rindex("/10.") + 1:]
    return _DOI_PUNCTUATION.sub("", family) if family else None


_DOI_PUNCTUATION = re.compile(r"[^a-z0-9]+")


def _codes(values: Sequence[Hashable | None]) -> np.ndarray:
    """Equal values get equal integer codes; None (or "") gets -1."""
    table: dict[Hashable, int] = {}
    out = np.fromiter(
        (-1 if v is None or v == "" else table.setdefault(v, len(table)) for v in values),
        dtype=np.int64, count=len(values))
    return out


@dataclass(slots=True)
class Features:
    """Every record's normalised fields, as parallel lists and arrays (index = position)."""

    ids: np.ndarray
    title: np.ndarray  # object array of normalised titles
    title_length: np.ndarray
    flags: np.ndarray
    doi: list[str | None]
    doi_code: np.ndarray
    family_code: np.ndarray  # the DOI without a version suffix
    pmid_code: np.ndarray
    first_author: list[str]
    first_author_code: np.ndarray
    authors: np.ndarray  # object array: surname keys joined by spaces
    author_count: list[int]
    year: np.ndarray  # 0 when unknown
    journal: list[str]
    journal_code: np.ndarray
    initials_code: np.ndarray
    issn: list[str | None]
    volume_code: np.ndarray
    issue_code: np.ndarray
    first_page: np.ndarray  # -1 when unknown
    last_page: np.ndarray
    article_number: np.ndarray
    page_prefix: list[str]  # letters before the first page: "e", "S", "ec", ""
    conference: np.ndarray
    supplement: np.ndarray
    yearly: np.ndarray  # the volume is the year and there are no pages (a yearly text)
    volume_is_year: np.ndarray  # the volume field holds the year ("2016" for volume 94)
    pages_raw: list[str | None] = field(default_factory=list)
    issue_raw: list[str | None] = field(default_factory=list)
    first_given: list[str] = field(default_factory=list)  # the first author's other name
    raw_authors: list[list[str]] = field(default_factory=list)  # as exported

    @classmethod
    def of(cls, records: Sequence[DedupeRecord | MatchFields]) -> Features:
        """The features of ``records``: DedupeRecords, or a pass's fields as the library read
        them (not copied into DedupeRecords first: 0.2-0.4 s for 80,000 records)."""
        n = len(records)
        titles = [nz.normalise_title(r.title) for r in records]
        names = [nz.author_names(r.authors) for r in records]
        first = [x[0] if x else "" for x in names]
        journals = [nz.normalise_journal(r.journal) for r in records]
        citations = [_citation(r) for r in records]
        raw_pages = [c[2] for c in citations]
        pages = [nz.page_range(p, r.year) for p, r in zip(raw_pages, records, strict=True)]
        dois = [nz.normalise_doi(r.doi) for r in records]
        volumes = [nz.volume_number(c[0]) for c in citations]
        counters = _counting_databases(records, citations)
        if counters:  # the issue field holds a record number: it says nothing
            citations = [(c[0], None, c[2]) if r.database in counters else c
                         for r, c in zip(records, citations, strict=True)]
        return cls(
            ids=np.fromiter((r.record_id for r in records), dtype=np.int64, count=n),
            title=np.array(titles, dtype=object),
            title_length=np.fromiter((len(t) for t in titles), np.int64, n),
            flags=np.fromiter((nz.title_flags(r.title) for r in records), np.int8, n),
            doi=dois,
            doi_code=_codes([doi_key(d) if d and ".pub" not in d else d for d in dois]),
            family_code=_codes([
                nz.cochrane_id(d, c[2], c[1]) or doi_key(d)
                for d, c in zip(dois, citations, strict=True)]),
            pmid_code=_codes([r.pmid.strip() if r.pmid else None for r in records]),
            first_author=first,
            first_author_code=_codes(first),
            authors=np.array([" ".join(x) for x in names], dtype=object),
            author_count=[len(x) for x in names],
            year=np.fromiter((r.year or 0 for r in records), dtype=np.int32, count=n),
            journal=journals,
            journal_code=_codes(journals),
            initials_code=_codes([nz.journal_initials(j) for j in journals]),
            issn=[r.issn if isinstance(r, DedupeRecord) else _issn(r) for r in records],
            volume_code=_codes(volumes),
            issue_code=_codes([nz.volume_number(c[1]) for c in citations]),
            first_page=np.fromiter((-1 if p[0] is None else p[0] for p in pages), np.int64, n),
            last_page=np.fromiter((-1 if p[1] is None else p[1] for p in pages), np.int64, n),
            article_number=np.fromiter((nz.is_article_number(p) for p in raw_pages),
                                       dtype=bool, count=n),
            conference=np.fromiter(
                (nz.is_conference_abstract(r.pub_type, r.journal, r.volume, r.issue, r.pages)
                 for r in records), dtype=bool, count=n),
            supplement=np.fromiter((bool(_SUPPLEMENT.search(f"{r.volume} {r.issue}"))
                                    for r in records), dtype=bool, count=n),
            yearly=np.fromiter((bool(r.year and c[0] and c[0].strip() == str(r.year)
                                     and not c[2])
                                for r, c in zip(records, citations, strict=True)),
                               dtype=bool, count=n),
            volume_is_year=np.fromiter((bool(r.year and v == str(r.year))
                                        for r, v in zip(records, volumes, strict=True)),
                                       dtype=bool, count=n),
            pages_raw=raw_pages,
            issue_raw=[c[1] for c in citations],
            page_prefix=[_prefix(p) for p in raw_pages],
            first_given=[_given(r.authors[0]) if r.authors else "" for r in records],
            raw_authors=[r.authors for r in records],
        )


_SUPPLEMENT = re.compile(r"suppl|\bs\d", re.I)


def _given(author: str) -> str:
    """The key of the name after the comma ("Tamara, Kneese" -> "kneese"): exports that
    swap given name and surname put the surname there."""
    head, comma, rest = author.partition(",")
    word = rest.split()[0] if comma and rest.split() else ""
    key = nz.surname(word) if len(word.rstrip(".")) >= 3 and "." not in word else ""
    return key if len(key) >= 3 else ""


_COUNTER_SAMPLE = 50  # records with a numeric issue a database needs before it is judged


def _counting_databases(records: Sequence[DedupeRecord | MatchFields],
                        citations: Sequence[tuple[str | None, str | None, str | None]]
                        ) -> set[str | None]:  # fmt: skip
    """Databases whose issue field holds a record number, not an issue (an EndNote
    library's record numbers exported as "number"): nearly every value distinct, and
    most in the hundreds, where real issues repeat and rarely pass 52."""
    numbers: dict[str | None, list[int]] = defaultdict(list)
    for record, citation in zip(records, citations, strict=True):
        issue = citation[1]
        if issue and issue.isdigit():
            numbers[record.database].append(int(issue))
    return {database for database, values in numbers.items()
            if len(values) >= _COUNTER_SAMPLE and len(set(values)) >= 0.9 * len(values)
            and statistics.median(values) >= 100}


def _prefix(pages: str | None) -> str:
    if not pages:
        return ""
    text = pages.strip().lower()
    end = 0
    while end < len(text) and end < 3 and text[end].isalpha():
        end += 1
    return text[:end]


def _citation(r: DedupeRecord | MatchFields) -> tuple[str | None, str | None, str | None]:
    """(volume, issue, pages), repaired where an export shifted or embedded them."""
    volume, issue, pages = nz.unshift_citation(r.volume, r.issue, r.pages)
    embedded_volume, embedded_pages = nz.embedded_citation(r.journal)
    return embedded_volume or volume, issue, embedded_pages or pages


# -- blocking -----------------------------------------------------------------------

WINDOW = 8  # neighbours compared in title order, and the most pairs one record joins per key


def _window_pairs(key: np.ndarray, rank: np.ndarray, window: int) -> np.ndarray:
    """Pair codes (a * n + b, a < b) of records sharing ``key``, up to ``window`` apart in
    ``rank`` order. Small blocks are compared whole; a big block becomes a sliding window."""
    n = len(key)
    valid = key >= 0
    index = np.flatnonzero(valid)
    order = index[np.lexsort((rank[index], key[index]))]
    sorted_key = key[order]
    chunks = []
    for step in range(1, window + 1):
        same = sorted_key[:-step] == sorted_key[step:]
        if not same.any():
            break
        a, b = order[:-step][same], order[step:][same]
        chunks.append(np.minimum(a, b) * n + np.maximum(a, b))
    return np.concatenate(chunks) if chunks else np.empty(0, dtype=np.int64)


def _combine(*keys: np.ndarray) -> np.ndarray:
    """One code for a tuple of codes (each >= -1); -1 if any part is missing."""
    out = keys[0].astype(np.int64)
    missing = out < 0
    for key in keys[1:]:
        out = out * (int(key.max(initial=0)) + 2) + key + 1
        out = np.unique(out, return_inverse=True)[1].astype(np.int64)  # keep codes small
        missing |= key < 0
    return np.where(missing, -1, out)


def _rank(values: list[str]) -> np.ndarray:
    """Each value's position in sorted order."""
    rank = np.empty(len(values), dtype=np.int64)
    rank[sorted(range(len(values)), key=values.__getitem__)] = np.arange(len(values))
    return rank


def candidates(f: Features) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (i, j), i < j, as positions into ``f``; each pair once."""
    n = len(f.ids)
    titles: list[str] = f.title.tolist()
    by_title = _rank(titles)
    by_reversed = _rank([t[::-1] for t in titles])
    has_title = np.where(f.title_length > 0, 0, -1)
    year = np.where(f.year > 0, f.year, -1).astype(np.int64)
    page = np.unique(f.first_page, return_inverse=True)[1] - (f.first_page.min() < 0)
    blocks = [
        _window_pairs(f.family_code, by_title, 50),
        _window_pairs(f.pmid_code, by_title, 50),
        _window_pairs(has_title, by_title, WINDOW),
        _window_pairs(has_title, by_reversed, WINDOW),
        _window_pairs(_combine(f.first_author_code, year), by_title, WINDOW),
        _window_pairs(_combine(f.initials_code, f.volume_code, page), by_title, WINDOW),
        _window_pairs(_combine(year, f.volume_code, page), by_title, WINDOW),
    ]
    codes = np.sort(np.concatenate(blocks))
    codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))] if len(codes) else codes
    return codes // n, codes % n


def title_similarity(f: Features, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Indel similarity (0-1) of the normalised titles of each pair, on all cores."""
    return process.cpdist(f.title[i], f.title[j], scorer=fuzz.ratio, workers=-1) / 100


# -- evidence -----------------------------------------------------------------------

def _agreement(a: int, b: int) -> int:
    """Compare two codes (-1 = unknown)."""
    if a < 0 or b < 0:
        return UNKNOWN
    return SAME if a == b else DIFFERENT


def _pages_agree(f: Features, i: int, j: int) -> int:
    """SAME when the first (or, a start being unreadable, the last) pages match.

    DIFFERENT only when both are page ranges that do not overlap, or both single
    pages of the same kind: a single page against a range is often a misfiled
    day or issue, and an article number against the PDF's "1-12" is no conflict.
    """
    a, b = int(f.first_page[i]), int(f.first_page[j])
    a_end, b_end = int(f.last_page[i]), int(f.last_page[j])
    if a >= 0 and a == b:
        # "5-14" and "5-6" start alike but are two items (editorials in two issues)
        return UNKNOWN if a_end != b_end and a_end > a and b_end > b else SAME
    if a_end >= 0 and a_end == b_end and (a < 0 or b < 0 or a_end > max(a, b)):
        return SAME
    if a < 0 or b < 0 or f.article_number[i] != f.article_number[j]:
        return UNKNOWN
    a_range, b_range = a_end > a, b_end > b
    if a_range != b_range:
        return UNKNOWN
    if not a_range and f.page_prefix[i] != f.page_prefix[j]:
        return UNKNOWN  # "ec201" (an e-locator) against "29" (a misfiled number)
    if a_range and a_end - a == b_end - b and _one_digit_apart(a, b):
        return UNKNOWN  # "752-767" and "452-467": one mistyped digit
    return DIFFERENT


def _one_digit_apart(a: int, b: int) -> bool:
    """One digit differs, not the last (consecutive articles differ there: 451/458)."""
    x, y = str(a), str(b)
    differ = [k for k, (p, q) in enumerate(zip(x, y, strict=False)) if p != q]
    return len(x) == len(y) and len(differ) == 1 and differ[0] < len(x) - 1


def _doi_agreement(f: Features, i: int, j: int) -> int:
    """SAME DOI; VERSION: one work in two versions (a Cochrane review's number, a DOI
    and its ".pub2"); DIFFERENT DOIs or review numbers; else UNKNOWN."""
    doi = _agreement(int(f.doi_code[i]), int(f.doi_code[j]))
    family = _agreement(int(f.family_code[i]), int(f.family_code[j]))
    if doi == SAME:
        return SAME
    if family == SAME:
        return VERSION
    if doi == DIFFERENT and _part_doi(f.doi[i], f.doi[j]):
        return UNKNOWN
    return DIFFERENT if DIFFERENT in (doi, family) else UNKNOWN


_PART = re.compile(r"\.\d{3}$")


def _part_doi(a: str | None, b: str | None) -> bool:
    """One DOI is the other's with a part's suffix ("elife.06487.001" for a section of
    "elife.06487"): not proof of two papers, nor of one."""
    if not a or not b:
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return long.startswith(short) and bool(_PART.fullmatch(long[len(short):]))


def _journal_agreement(a: str, b: str, issn_a: frozenset[str], issn_b: frozenset[str]
                       ) -> float:  # fmt: skip
    """Name similarity, raised to 1 by a shared ISSN unless the names plainly differ (an
    export's ISSN field can be wrong; disjoint ISSNs may be print and electronic)."""
    similarity = nz.journal_similarity(a, b) if a and b else -1.0
    if issn_a & issn_b and (similarity < 0 or similarity >= 0.5):
        return 1.0
    return similarity


def _gap(f: Features, i: int, j: int) -> int:
    a, b = int(f.year[i]), int(f.year[j])
    return abs(a - b) if a and b else -1


def evidence(f: Features, i: int, j: int, title: float, contained: bool, authors: float
             ) -> Evidence:  # fmt: skip
    """The agreements and conflicts of records ``i`` and ``j`` (positions in ``f``)."""
    fa, fb = f.first_author[i], f.first_author[j]
    ja, jb = f.journal[i], f.journal[j]
    ia, ib = nz.issns(f.issn[i]), nz.issns(f.issn[j])
    ta, tb = f.title[i], f.title[j]
    first_author = _first_author(f, i, j, authors)
    if first_author == SAME and 0 <= authors < 0.6 and fa != fb:
        authors = _swapped_authors(f, i, j, authors)
    issue = _agreement(int(f.issue_code[i]), int(f.issue_code[j]))
    pages = _pages_agree(f, i, j)
    if issue == DIFFERENT and pages == UNKNOWN and _issue_is_pages(f, i, j):
        issue, pages = UNKNOWN, SAME  # an article number filed as the issue ("791")
    volume = _agreement(int(f.volume_code[i]), int(f.volume_code[j]))
    if volume == DIFFERENT and f.volume_is_year[i] != f.volume_is_year[j]:
        volume = UNKNOWN  # one export filed the year as the volume ("2016" against 94)
    return Evidence(
        title=title,
        title_missing=not ta or not tb,
        title_contained=contained,
        authors=authors if fa and fb else -1.0,
        author_count=min(f.author_count[i], f.author_count[j]),
        first_author=first_author,
        year_gap=_gap(f, i, j),
        journal=_journal_agreement(ja, jb, ia, ib),
        doi=_doi_agreement(f, i, j),
        pmid=_agreement(int(f.pmid_code[i]), int(f.pmid_code[j])),
        issn=UNKNOWN if not ia or not ib else SAME if ia & ib else DIFFERENT,
        volume=volume,
        issue=issue,
        pages=pages,
        page_range=pages == SAME and _same_range(f, i, j),
        article_pages=_article_pages(f, i) or _article_pages(f, j),
        pages_overlap=_overlap(f, i, j),
        same_length=_same_length(f, i, j),
        yearly=bool(f.yearly[i] and f.yearly[j]),
        one_page=bool(f.first_page[i] >= 0 and f.last_page[i] == f.first_page[i]) or bool(
            f.first_page[j] >= 0 and f.last_page[j] == f.first_page[j]),
        title_extends=bool(ta and tb and ta != tb and min(len(ta), len(tb)) >= 20 and (
            ta.startswith(tb) or tb.startswith(ta) or ta.endswith(tb) or tb.endswith(ta))),
        supplement=bool(f.supplement[i] or f.supplement[j]),
        title_words=min(ta.count(" "), tb.count(" ")) + 1 if ta and tb else 0,
        numbers_differ=ta != tb and nz.title_numbers(ta) != nz.title_numbers(tb),
        flags_differ=bool(f.flags[i] != f.flags[j]),
        notice=int(f.flags[i] ^ f.flags[j]),
        conference_differs=bool(f.conference[i] != f.conference[j]),
        conference_either=bool(f.conference[i] or f.conference[j]),
        conference_both=bool(f.conference[i] and f.conference[j]),
        translated=title < 0.8 and {nz.title_language(ta), nz.title_language(tb)} == {
            "en", "other"},
    )


def _first_author(f: Features, i: int, j: int, authors: float) -> int:
    """SAME first author, also when one export swapped given name and surname ("Kneese,
    T." / "Tamara, Kneese") or listed the same few authors in another order."""
    fa, fb = f.first_author[i], f.first_author[j]
    if not fa or not fb:
        return UNKNOWN
    if nz.first_author_match(fa, fb):
        return SAME
    ga, gb = f.first_given[i], f.first_given[j]
    if (ga and nz.first_author_match(ga, fb)) or (gb and nz.first_author_match(fa, gb)):
        return SAME
    if authors >= 0.99 and min(f.author_count[i], f.author_count[j]) >= 2 and (
            f.author_count[i] == f.author_count[j]):
        return SAME  # the same authors in another order
    return DIFFERENT


def _swapped_authors(f: Features, i: int, j: int, authors: float) -> float:
    """The author lists' similarity when one export swapped every given name and surname
    ("Xiaoguang, Wang; Junping, Liu" for "Wang, X.; Liu, J."), else ``authors``."""
    best = authors
    for a, b in ((i, j), (j, i)):
        swapped = [key for name in f.raw_authors[a][:8] if (key := _given(name))]
        if swapped:
            best = max(best, fuzz.token_set_ratio(" ".join(swapped), f.authors[b]) / 100)
    return best


def _issue_is_pages(f: Features, i: int, j: int) -> bool:
    """One record's issue is the other's pages (an article number in the issue column)."""
    a_issue, b_issue = f.issue_raw[i], f.issue_raw[j]
    a_pages, b_pages = f.pages_raw[i], f.pages_raw[j]
    return bool((a_issue and not a_pages and a_issue.strip() == (b_pages or "").strip())
                or (b_issue and not b_pages and b_issue.strip() == (a_pages or "").strip()))


def _overlap(f: Features, i: int, j: int) -> bool:
    """Both records span pages, and the spans share two pages or more, or have one length
    ("246-250" and "250-254": the same article with its first page mistyped)."""
    a, b = int(f.first_page[i]), int(f.first_page[j])
    a_end, b_end = int(f.last_page[i]), int(f.last_page[j])
    if not (a_end > a >= 0 and b_end > b >= 0):
        return False
    return min(a_end, b_end) - max(a, b) >= 1 or a_end - a == b_end - b


def _same_length(f: Features, i: int, j: int) -> bool:
    """Both records span the same number of pages, three or more (one article's text)."""
    a, b = int(f.first_page[i]), int(f.first_page[j])
    a_end, b_end = int(f.last_page[i]), int(f.last_page[j])
    return a >= 0 and b >= 0 and a_end - a == b_end - b >= 2


def _article_pages(f: Features, i: int) -> bool:
    """The record spans pages, outside a supplement: an article, not a meeting abstract."""
    return bool(f.last_page[i] > f.first_page[i] >= 0 and not f.supplement[i])


def _same_range(f: Features, i: int, j: int) -> bool:
    """Both records span the same pages, three or more: the footprint of one article."""
    a, b = int(f.first_page[i]), int(f.first_page[j])
    a_end, b_end = int(f.last_page[i]), int(f.last_page[j])
    return a == b >= 0 and a_end == b_end and a_end - a >= 2


def _contains(a: str, b: str) -> bool:
    """Every word of the shorter title (of four words or more) is in the longer one."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    words = short.split()
    return len(words) >= 4 and set(words) <= set(long.split())


def compare(f: Features, i: np.ndarray, j: np.ndarray) -> list[tuple[int, int, Evidence]]:
    """Score all candidate pairs; keep those with real agreement, with their evidence."""
    title = title_similarity(f, i, j)
    title[(f.title_length[i] == 0) | (f.title_length[j] == 0)] = 0.0  # no title, no evidence
    # Titles that differ by a missing subtitle or an appended translation: compare words.
    # a title inside a longer one scores at least 2 * short / (short + long) by Indel
    la, lb = f.title_length[i], f.title_length[j]
    bound = 2 * np.minimum(la, lb) / np.maximum(la + lb, 1)
    loose = np.flatnonzero((title < 0.8) & (title >= 0.9 * bound) & (np.minimum(la, lb) >= 20))
    words = np.zeros(len(i))
    if len(loose):
        words[loose] = process.cpdist(f.title[i[loose]], f.title[j[loose]],
                                      scorer=fuzz.token_set_ratio, workers=-1) / 100
    ident = ((f.family_code[i] >= 0) & (f.family_code[i] == f.family_code[j])) | (
        (f.pmid_code[i] >= 0) & (f.pmid_code[i] == f.pmid_code[j]))
    biblio = ((f.volume_code[i] >= 0) & (f.volume_code[i] == f.volume_code[j])
              & (f.first_page[i] >= 0) & (f.first_page[i] == f.first_page[j]))
    keep = np.flatnonzero((title >= 0.7) | (words >= 0.95) | ident | biblio)
    i, j = i[keep], j[keep]
    authors = process.cpdist(f.authors[i], f.authors[j], scorer=fuzz.token_set_ratio,
                             workers=-1) / 100
    out = []
    for k, (a, b) in enumerate(zip(i.tolist(), j.tolist(), strict=True)):
        t = float(title[keep[k]])
        contained = bool(words[keep[k]] >= 0.95) and _contains(f.title[a], f.title[b])
        out.append((a, b, evidence(f, a, b, t, contained, float(authors[k]))))
    return out


def explain(a: DedupeRecord, b: DedupeRecord) -> tuple[Verdict | None, str]:
    """What the rules say of two records, whether or not blocking would pair them."""
    f = Features.of([a, b])
    out = compare(f, np.array([0]), np.array([1]))
    if not out:
        return None, "nothing agrees (title, identifiers, volume and page)"
    return judge(out[0][2])


def find_pairs(records: Sequence[DedupeRecord | MatchFields]) -> list[Pair]:
    """Pairs judged duplicates or worth a human look, each pair once (record_a < record_b)."""
    if len(records) < 2:
        return []
    with paused_gc():
        return _find_pairs(records)


def _find_pairs(records: Sequence[DedupeRecord | MatchFields]) -> list[Pair]:
    f = Features.of(records)
    i, j = candidates(f)
    pairs = []
    for a, b, e in compare(f, i, j):
        verdict, reason = judge(e)
        if verdict is None:
            continue
        ra, rb = int(f.ids[a]), int(f.ids[b])
        if ra == rb:
            continue
        pairs.append(Pair(min(ra, rb), max(ra, rb), score(e), verdict, reason))
    pairs.sort(key=lambda p: (p.record_a, p.record_b))
    return pairs
