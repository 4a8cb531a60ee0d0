"""The rules that turn the evidence on a pair of records into a verdict and a reason.

Each rule is one a librarian would apply by hand, stated in its comment; no rule
refers to a particular record or data set. ``judge`` returns "duplicate" (merged
automatically), "review" (shown to a person) or None (two publications).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Verdict = Literal["duplicate", "review"]
Judgement = tuple[Verdict | None, str]  # the verdict (None: two publications) and its reason

# how two records compare on one field
SAME, DIFFERENT, UNKNOWN, VERSION = 1, -1, 0, 2


@dataclass(slots=True)
class Evidence:
    """What two records agree and disagree on, computed once per surviving pair."""

    title: float  # 0 when a title is missing
    title_missing: bool
    title_contained: bool
    authors: float  # -1 when either has no authors
    author_count: int  # the shorter list's length (up to 8)
    first_author: int
    year_gap: int  # -1 when either year is unknown
    journal: float  # -1 when either journal is unknown
    doi: int
    pmid: int
    issn: int
    volume: int
    issue: int
    pages: int
    numbers_differ: bool
    flags_differ: bool
    conference_differs: bool
    conference_either: bool


def judge(e: Evidence) -> Judgement:
    """A verdict ("duplicate", "review" or None for distinct) and the reason, for a librarian.

    Vetoes come first: a notice (erratum, reply, retraction) is never its paper;
    two different DOIs are two publications; so are papers years apart, in
    different volumes, issues or on different pages, a meeting abstract and an
    article that share no volume or pages, and titles that differ in a number
    ("part 1", "part 2"). Then the agreements: a near-identical title needs the
    same first author and the same year (one year apart only with the volume or
    pages agreeing, or the journal and all authors: the epub and print dates of
    one article); a looser title needs more of journal, volume and pages.
    """
    settled = _by_identifiers(e)
    if settled is not None:
        return settled
    volume_pages = (e.volume == SAME) + (e.pages == SAME)
    if 0 <= e.journal < 0.6 and volume_pages < 2:
        volume_pages = 0  # in two different journals, one equal number is a coincidence
    bib = volume_pages + (e.journal >= 0.9)
    # journal, volume, first page and year identify a paper (if the authors do not differ)
    citation = bib == 3 and e.year_gap == 0 and (
        e.first_author == SAME or e.authors >= 0.8 or e.title >= 0.95)
    settled = _by_differences(e, volume_pages, bib, citation)
    if settled is not None:
        return settled
    return _by_agreements(e, volume_pages, bib, citation)


def _by_identifiers(e: Evidence) -> Judgement | None:
    """The judgement a notice flag, a DOI or a PMID settles; None when they settle nothing
    (neither record has one, or one record lacks it)."""
    if e.flags_differ:
        return None, "one is an erratum, comment or retraction notice"
    if e.doi == VERSION:
        return _same_identifier(e, "review number or DOI (another version)")
    if e.doi == SAME or e.pmid == SAME:
        return _same_identifier(e, "DOI" if e.doi == SAME else "PMID")
    if e.doi == DIFFERENT or e.pmid == DIFFERENT:
        # Publishers have given some old papers a second DOI (Springer's "bf..." and
        # "s00..."): the full citation agreeing outweighs it.
        if (e.title >= 0.95 and e.first_author == SAME and e.year_gap == 0 and e.journal >= 0.9
                and e.volume == SAME and e.pages == SAME and e.issue != DIFFERENT
                and not e.numbers_differ):
            return "duplicate", f"title {e.title:.2f}, {_agreed(e)}, despite different DOIs"
        return None, "different DOIs" if e.doi == DIFFERENT else "different PMIDs"
    return None


def _by_differences(e: Evidence, volume_pages: int, bib: int, citation: bool) -> Judgement | None:
    """The vetoes of a citation that differs (years, volume, pages, issue, a meeting
    abstract, a number in the title); None when nothing differs. Where the rest agrees
    closely, a difference may be a typing error, and a person decides."""
    if e.year_gap >= 2 and bib < 3:
        return None, f"published {e.year_gap} years apart"
    # with the pages agreeing, a differing volume is a supplement number misfiled
    volumes_differ = e.volume == DIFFERENT and e.pages != SAME
    if volumes_differ or e.pages == DIFFERENT:
        differ = "volumes" if volumes_differ else "pages"
        # title, first author, year and journal agreeing make a mistyped volume or page
        # plausible: a person decides
        if e.title >= 0.95 and e.first_author == SAME and e.year_gap == 0 and e.journal >= 0.9:
            return "review", f"title {e.title:.2f}, {_agreed(e)}, but different {differ}"
        return None, f"different {differ}"
    if e.issue == DIFFERENT and e.pages != SAME:
        # recurring titles ("Editor's comments") come once an issue; pages agreeing
        # would show the issue number was misfiled instead
        if e.title >= 0.95 and e.year_gap == 0 and e.first_author != DIFFERENT:
            return "review", f"title {e.title:.2f}, {_agreed(e)}, but different issues"
        return None, "different issues"
    if e.conference_differs and volume_pages == 0:
        if e.title >= 0.95 and e.first_author == SAME and e.year_gap <= 1:
            return "review", f"title {e.title:.2f}, {_agreed(e)}, but one is a meeting abstract"
        return None, "a meeting abstract and an article"
    if e.numbers_differ:
        if citation and e.title >= 0.9:  # "Ca+" and "Ca2+": the citation settles it
            return "duplicate", f"title {e.title:.2f}, {_agreed(e)} (titles differ in a number)"
        if e.title >= 0.9 and e.first_author == SAME and bib >= 2 and e.year_gap == 0:
            return "review", f"title {e.title:.2f}, {_agreed(e)}, but the titles differ in a number"
        return None, "titles differ in a number"
    return None


def _by_agreements(e: Evidence, volume_pages: int, bib: int, citation: bool) -> Judgement:
    """The judgement for a pair nothing vetoes: how closely title, authors, year and
    citation agree decides between merged, shown to a person and kept apart."""
    agree = _agreed(e)
    # the same first author, unless the rest of two long author lists differ
    author_ok = (e.first_author == SAME and (e.authors >= 0.6 or e.author_count < 3)) or (
        e.first_author == UNKNOWN and e.authors >= 0.8)
    year_ok = e.year_gap == 0 or (e.year_gap == 1 and (volume_pages >= 1 or (
        e.journal >= 0.9 and e.authors >= 0.9 and not e.conference_either))) or (
        e.year_gap < 0 and volume_pages >= 1)  # a year missing: volume or pages decide
    if citation and e.title >= 0.85:
        return "duplicate", f"title {e.title:.2f}, {agree}"
    if citation and e.title >= 0.8 and e.first_author == SAME:
        # the citation agrees but the titles read differently (two translations?)
        return "review", f"title {e.title:.2f}, {agree}"
    if bib == 3 and e.title >= 0.95 and e.first_author == SAME:
        # title, author, journal, volume and pages agree: the year is mistyped or missing
        return "duplicate", f"title {e.title:.2f}, {agree}, years differ"
    if author_ok and year_ok:
        # the same title in two different journals is two publications (an abstract
        # given at two meetings) unless volume or pages agree
        if e.title >= 0.95 and (volume_pages or not 0 <= e.journal < 0.6):
            return "duplicate", f"title {e.title:.2f}, {agree}"
        if e.title >= 0.9 and bib >= 2:
            return "duplicate", f"title {e.title:.2f}, {agree}"
        if e.title_contained and bib >= 2:
            return "duplicate", f"one title contains the other, {agree}"
    if e.first_author == UNKNOWN and e.title >= 0.97 and e.year_gap == 0 and bib >= 2:
        return "duplicate", f"title {e.title:.2f}, {agree} (authors missing)"
    if e.title >= 0.9 and 0 <= e.year_gap <= 1 and (author_ok or e.authors >= 0.9):
        return "review", f"title {e.title:.2f}, {agree}"
    if e.title >= 0.95 and e.year_gap == 0 and e.authors < 0:
        return "review", f"title {e.title:.2f}, {agree} (authors missing)"
    if (e.title_contained or citation) and e.first_author == SAME and e.year_gap <= 1:
        return "review", f"title {e.title:.2f}, {agree}"
    return None, f"title {e.title:.2f}, {agree}"


def _same_identifier(e: Evidence, kind: str) -> Judgement:
    """Two records with one DOI (or PMID): the same paper unless the rest says a record
    carries a wrong identifier (a supplement's DOI on all its abstracts, a pro and a
    con debate article, a DOI typed into the wrong record)."""
    journal_ok = e.journal >= 0.9
    both = e.volume == SAME and e.pages == SAME
    if e.title_missing:  # a record without a title is shown to a person, not merged unseen
        if DIFFERENT in (e.volume, e.pages, e.issue) or e.year_gap > 1:
            return None, f"same {kind}, but a title missing and the citation differs"
        return "review", f"same {kind}, a title missing"
    if e.title < 0.8 and not e.title_contained:
        if e.first_author == SAME and e.authors >= 0.5:  # a translated title
            return "review", f"same {kind} but the titles differ"
        return None, f"same {kind} but different titles and authors"
    if e.numbers_differ and not (journal_ok and both and e.title >= 0.9):
        return "review", f"same {kind} but the titles differ in a number"
    if e.doi == VERSION and e.title < 0.98:
        return "review", f"same {kind}, retitled: title {e.title:.2f}"
    if journal_ok and (e.title >= 0.95 or e.pages != DIFFERENT) and (
            e.first_author != DIFFERENT or e.authors >= 0.5 or both):
        # one DOI, title and journal: differing pages or volume are typing errors
        return "duplicate", f"same {kind}, title {e.title:.2f}, journal"
    if e.first_author == DIFFERENT and e.authors < 0.5 and not both:
        return "review", f"same {kind} but different authors"
    if e.pages == DIFFERENT or (e.volume == DIFFERENT and e.pages != SAME):
        return "review", f"same {kind} but different volumes or pages: one may be wrong"
    if e.title >= 0.9 or not 0 <= e.journal < 0.6:
        return "duplicate", f"same {kind}, title {e.title:.2f}"
    return "review", f"same {kind}, title {e.title:.2f}, but different journals"


def _agreed(e: Evidence) -> str:
    """What agrees besides the title, as a reason reads it."""
    parts = []
    if e.first_author == SAME:
        parts.append("same first author")
    elif e.authors >= 0.8:
        parts.append(f"authors {e.authors:.2f}")
    if e.year_gap == 0:
        parts.append("year")
    elif e.year_gap == 1:
        parts.append("year ±1")
    if e.journal >= 0.9:
        parts.append("journal")
    if e.volume == SAME:
        parts.append("volume")
    if e.pages == SAME:
        parts.append("pages")
    return ", ".join(parts) or "nothing else agrees"


def score(e: Evidence) -> float:
    """0-1, for ordering: mostly the title, then identifiers, author, year and citation."""
    journal_ok = e.journal >= 0.9
    bib = ((e.volume == SAME) + (e.pages == SAME) + journal_ok) / 3
    same_id = e.doi in (SAME, VERSION) or e.pmid == SAME
    return round(0.55 * e.title + 0.1 * same_id + 0.1 * (e.first_author == SAME)
                 + 0.05 * (e.year_gap == 0) + 0.2 * bib, 4)
