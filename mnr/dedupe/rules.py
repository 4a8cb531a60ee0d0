"""The rules that turn the evidence on a pair of records into a verdict and a reason.

Each rule is one a librarian would apply by hand, stated in its comment; no rule
refers to a particular record or data set. ``judge`` returns "duplicate" (merged
automatically), "related" (a notice about a paper: its erratum, a reply, a retraction
or a reprint; logged with the pair, shown by `mnr dedupe`, its records kept in their own
works), "review" (shown to a person) or None (two publications).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Verdict = Literal["duplicate", "related", "review"]
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
    page_range: bool  # both records span the same three or more pages
    one_page: bool  # a record is on one page (a meeting abstract, a notice)
    article_pages: bool  # a record spans pages outside a supplement (an article)
    pages_overlap: bool  # both span pages, sharing two or more or of one length
    same_length: bool  # both span the same number of pages, three or more
    yearly: bool  # both records' volume is their year, and neither has pages
    title_words: int  # the shorter normalised title's words
    supplement: bool  # either record is in a supplement (whose abstracts may share a DOI)
    title_extends: bool  # one title is the other with words added before or after
    numbers_differ: bool
    flags_differ: bool
    conference_differs: bool
    conference_either: bool
    conference_both: bool = False  # both are meeting papers or abstracts
    notice: int = 0  # the notice bits (nz.ERRATUM...) one record has and the other lacks
    translated: bool = False  # titles apart, one in English and one in another language


def judge(e: Evidence) -> Judgement:
    """A verdict ("duplicate", "related", "review" or None for distinct) and the reason,
    for a librarian.

    Vetoes come first: a notice (erratum, reply, retraction) is never its paper, but
    one that names it (same title and journal) is a related report of it (an erratum or
    reprint in the paper's own issue is part of its printing: merged); two different
    DOIs are two publications (unless one article was printed again a year on); so are
    papers years apart, in
    different volumes, issues or on different pages, a meeting abstract and an
    article that share no volume or pages, and titles that differ in a number
    ("part 1", "part 2"). A difference may be forgiven where the rest is one paper
    beyond doubt: a title word for word with its authors, journal and volume (an
    abstract's page against its article's), the same span of pages under a title
    that gained a subtitle. Then the agreements: a near-identical title needs the
    same first author and the same year (one year apart only with the volume or
    pages agreeing, or the journal and all authors: the epub and print dates of
    one article); a looser title needs more of journal, volume and pages.
    """
    settled = _by_identifiers(e)
    if settled is not None:
        return settled
    if (e.page_range and e.volume == SAME and e.year_gap == 0 and e.issue != DIFFERENT
            and (e.first_author == SAME or (e.first_author == UNKNOWN and e.journal >= 0.9))
            and (e.journal >= 0.6 or e.journal < 0 or e.authors >= 0.9)
            and (e.title_extends or e.title >= 0.85)):
        # one volume, the same span of three or more pages, year and first author: one
        # article whose title gained a subtitle, a heading or a note ("MEDICAL PROGRESS
        # Title", "Title. North American Investigators"). Reworded titles are left apart:
        # the labelled sets disagree on them (depression counts MEDLINE's translated
        # "[Title]" apart from Embase's English one on the same pages).
        return "duplicate", f"title {e.title:.2f}, {_agreed(e)} (the same page span)"
    volume_pages = (e.volume == SAME) + (e.pages == SAME)
    translated_journal = e.volume == SAME and e.issue == SAME and _word_for_word(e)
    if 0 <= e.journal < 0.6 and volume_pages < 2 and not translated_journal:
        # in two different journals, one equal number is a coincidence (unless volume and
        # issue both agree under one title and author list: a journal's translated name)
        volume_pages = 0
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
        return _notice(e)
    if e.doi == VERSION:
        return _same_identifier(e, "review number or DOI (another version)")
    if e.doi == SAME or e.pmid == SAME:
        return _same_identifier(e, "DOI" if e.doi == SAME else "PMID")
    if e.doi == DIFFERENT or e.pmid == DIFFERENT:
        # Publishers have given some old papers a second DOI (Springer's "bf..." and
        # "s00..."): the full citation agreeing outweighs it.
        if (e.title >= 0.95 and e.first_author == SAME and e.year_gap == 0 and e.journal >= 0.9
                and e.volume != DIFFERENT and e.pages == SAME and e.issue != DIFFERENT
                and not e.numbers_differ):
            return "duplicate", f"title {e.title:.2f}, {_agreed(e)}, despite different DOIs"
        if _republished(e):
            return "duplicate", f"title {e.title:.2f}, {_agreed(e)} (printed again a year on)"
        return None, "different DOIs" if e.doi == DIFFERENT else "different PMIDs"
    return None


_NOTICES = ((1, "erratum"), (2, "comment or reply"), (4, "retraction notice"), (8, "reprint"))
_SAME_PRINTING = 1 | 8  # the notices that, in their paper's issue, are part of its printing


def _republished(e: Evidence) -> bool:
    """One article printed twice by its journal, under a second DOI: a long title word for
    word, its authors, the journal, a year apart, and as many pages (three or more).
    A recurring section's introduction comes back under one title by the same editors,
    but not at the same length."""
    return (_word_for_word(e) and e.journal >= 0.9 and e.year_gap == 1 and e.same_length
            and not e.numbers_differ and not e.supplement and not e.conference_either)


def _notice(e: Evidence) -> Judgement:
    """A notice (erratum, reply, retraction, reprint) and another record: a related report
    of that record's work when it names it (the same title, without the notice's words,
    in the same journal, within two years), else two publications.

    An erratum or a reprint in the very issue of the paper it names is part of that
    issue's printing of the paper (a correction on the page after it, a paper printed
    in two sections of one issue): the same work, merged. A reply or a comment is
    another author's paper, and an erratum in a later issue a later publication: both
    stay related reports."""
    kind = " or ".join(name for bit, name in _NOTICES if e.notice & bit) or "notice"
    same_journal = e.journal >= 0.9 or (e.journal < 0 and e.first_author == SAME)
    if e.title >= 0.9 and not e.numbers_differ and same_journal and e.year_gap <= 2:
        if (e.notice & ~_SAME_PRINTING) == 0 and e.volume == SAME and e.issue == SAME:
            return "duplicate", f"{kind} in the same issue: title {e.title:.2f}, {_agreed(e)}"
        return "related", f"related report ({kind}): title {e.title:.2f}, {_agreed(e)}"
    return None, f"one is a {kind}"


def _word_for_word(e: Evidence) -> bool:
    """A long title word for word, by the same two or more authors."""
    return (e.title >= 0.999 and e.title_words >= 6 and e.first_author == SAME
            and e.authors >= 0.9 and e.author_count >= 2)


def _one_paper(e: Evidence) -> bool:
    """A long title (word for word: "alkylidene" and "aralkylidene" are two papers of a
    series), its authors, year and journal agree: one paper even if its volume,
    issue or pages were typed differently (a supplement's numbering, an abstract printed
    twice, a corrected reprint). Not for one author's recurring column ("Editor's
    Comments"), which comes back in every issue."""
    return _word_for_word(e) and e.year_gap == 0 and e.journal >= 0.9 and not e.numbers_differ


def _by_differences(e: Evidence, volume_pages: int, bib: int, citation: bool) -> Judgement | None:
    """The vetoes of a citation that differs (years, volume, pages, issue, a meeting
    abstract, a number in the title); None when nothing differs. Where the rest agrees
    closely, a difference may be a typing error, and a person decides."""
    if (e.yearly and e.title >= 0.999 and e.journal >= 0.9 and e.authors >= 0.5
            and e.year_gap <= 10):
        # a text updated every year under one title, its volume the year (BMJ Clinical
        # Evidence's chapters): its editions are one work, as a Cochrane review's versions
        return "duplicate", f"title {e.title:.2f}, {_agreed(e)} (an edition of a yearly text)"
    if e.year_gap >= 2 and bib < 3:
        return None, f"published {e.year_gap} years apart"
    # with the pages agreeing, a differing volume is a supplement number misfiled
    volumes_differ = e.volume == DIFFERENT and e.pages != SAME
    if volumes_differ or e.pages == DIFFERENT:
        differ = "volumes" if volumes_differ else "pages"
        # title, first author, year and journal agreeing make a mistyped volume or page
        # plausible: a person decides
        if e.title >= 0.95 and e.first_author == SAME and e.year_gap == 0 and e.journal >= 0.9:
            if _one_paper(e) and e.volume != DIFFERENT and (e.one_page or e.pages_overlap):
                # one page against an article's pages (its abstract, printed in the
                # volume), or two spans that overlap or have one length (a misprint)
                return "duplicate", f"title {e.title:.2f}, {_agreed(e)} (pages differ)"
            return "review", f"title {e.title:.2f}, {_agreed(e)}, but different {differ}"
        return None, f"different {differ}"
    if e.issue == DIFFERENT and e.pages != SAME:
        # recurring titles ("Editor's comments") come once an issue; pages agreeing
        # would show the issue number was misfiled instead
        if e.title >= 0.95 and e.year_gap == 0 and e.first_author != DIFFERENT:
            if _one_paper(e) and e.volume != DIFFERENT:
                return "duplicate", f"title {e.title:.2f}, {_agreed(e)} (issues differ)"
            return "review", f"title {e.title:.2f}, {_agreed(e)}, but different issues"
        return None, "different issues"
    if e.conference_differs and volume_pages == 0:
        if _one_paper(e) and not e.article_pages:
            # the abstract as the meeting's record and as the journal's (its supplement)
            return "duplicate", f"title {e.title:.2f}, {_agreed(e)} (a meeting abstract)"
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
    if (e.conference_both and e.year_gap == 1 and _word_for_word(e)
            and DIFFERENT not in (e.volume, e.pages, e.issue) and not 0 <= e.journal < 0.6):
        # a meeting's paper, dated by the meeting in one export and by its proceedings
        # in the other (not one abstract given at two meetings: their names differ)
        return "duplicate", f"title {e.title:.2f}, {agree} (a meeting paper)"
    if (citation and e.translated and e.page_range and e.issue == SAME
            and e.first_author == SAME and e.authors >= 0.9 and not e.conference_either):
        # journal, year, volume, issue and the same span of pages, by the same authors:
        # one article, its title in the journal's language in one export and in English
        # in the other ("Plattformökonomie und Crowdworking ..." / "Platform economy ...").
        # Two English renderings of one foreign title are left to the rules above: the
        # labelled sets count MEDLINE's "[Title]" apart from Embase's English one.
        return "duplicate", f"title {e.title:.2f}, {agree}, issue (a translated title)"
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
        if e.title_extends and e.year_gap == 0 and e.journal >= 0.9:
            # one title is the other with a column's heading before it or a subtitle
            # after, in one journal and year ("How I did it ... Upwork's CEO on ...")
            return "duplicate", f"one title extends the other, {agree}"
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
    if e.title_extends and e.doi != VERSION and journal_ok and e.year_gap <= 1 and (
            e.first_author != DIFFERENT or e.authors >= 0.5):
        # one DOI, and one title is the other with a series heading or an export's
        # notes added ("Current concepts: II. Title", "Title version 1; referees: 2")
        return "duplicate", f"same {kind}, one title extends the other, journal"
    if (e.title < 0.8 and not e.title_contained and e.doi != VERSION and journal_ok
            and e.first_author == SAME and e.authors >= 0.9 and e.year_gap == 0
            and e.volume == SAME and e.issue != DIFFERENT and not e.conference_either
            and not e.supplement):
        # one DOI, author list, journal, year and volume: a translated or retitled version
        # (not a meeting's abstracts, which may all carry their supplement's DOI)
        return "duplicate", f"same {kind}, title {e.title:.2f} (translated or retitled), journal"
    if e.title < 0.8 and not e.title_contained:
        if e.first_author == SAME and e.authors >= 0.5:  # a translated title
            return "review", f"same {kind} but the titles differ"
        return None, f"same {kind} but different titles and authors"
    if e.numbers_differ and not (journal_ok and (
            (both and e.title >= 0.9) or (e.title_contained and e.doi != VERSION))):
        return "review", f"same {kind} but the titles differ in a number"
    if e.doi == VERSION and e.title_extends and e.first_author == SAME:
        # "Allergen immunotherapy for asthma", updated as "Injection allergen ..."
        return "duplicate", f"same {kind}, one title extends the other"
    if e.doi == VERSION and e.title < 0.98:
        return "review", f"same {kind}, retitled: title {e.title:.2f}"
    if journal_ok and (e.title >= 0.95 or e.pages != DIFFERENT) and (
            e.first_author != DIFFERENT or e.authors >= 0.5 or both):
        # one DOI, title and journal: differing pages or volume are typing errors
        return "duplicate", f"same {kind}, title {e.title:.2f}, journal"
    if (e.title >= 0.98 and journal_ok and e.doi != VERSION and 0 <= e.year_gap <= 1
            and e.volume != DIFFERENT):
        # one DOI, title and journal: author lists written differently (glued, swapped)
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
