"""Parse one cited reference, as an export stores it, into parts that can be compared.

The styles, tried in this order:

* Web of Science ``CR`` (also BibTeX ``Cited-References``) and the strings
  ``formats.crossref_json.reference_text`` builds from Crossref's parts:
  "Smith J, 2001, J AM STAT ASSOC, V96, P1348, DOI 10.1198/016214501753382363",
  "Magoon, V, 2020, Title, Fam Pract Manag, V27, P5", "DOI 10.2196/18811";
* Scopus CSV: "Cheng M.; Xue Y., Title, Journal, 50, 3, pp. E128-E139, (2025)";
* Scopus RIS: "Agostini, A., Righi, S., Title (2017) Journal, 29 (2), pp. 1-10";
* free text, best effort (Ovid "Aber JD, Melillo JM. 1989. Title. Bioscience 39: 378-386.",
  Vancouver "Smith J, Jones K. Title. Journal. 2001;12:45-67.", APA, Crossref's
  unstructured strings): the first author, the year, a DOI, more when the shape allows.

Parsing never raises; a part it cannot find is None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mnr.normalise import normalise_doi, surname


@dataclass(frozen=True, slots=True)
class CitedRef:
    """One cited reference: the raw string and what could be read from it."""

    raw: str
    first_author: str | None = None  # surname key, as normalise.surname gives it
    year: int | None = None
    title: str | None = None
    source: str | None = None  # journal, book or proceedings, as written
    volume: str | None = None
    first_page: str | None = None  # "1348", "e939", "S63"
    doi: str | None = None  # normalised (bare, lower case)


_YEAR = r"(?:1[5-9]|20)\d\d"
_YEAR_TOKEN = re.compile(_YEAR + r"[a-z]?")
_DOI_TEXT = re.compile(r"(?:\bdoi\b\s*:?\s*\[?|https?://(?:dx\.)?doi\.org/)?10\.\d{4,9}/\S+",
                       re.I)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_SPACES = re.compile(r"\s+")
_LONGEST = 2000  # characters read: a longer "reference" is not one, and regexes stay fast
_ANONYMOUS = frozenset({"anonymous", "anon", "na", "nn", "doi", "v", "p", ""})

# -- Web of Science and Crossref parts ----------------------------------------------------
_WOS_VOLUME = re.compile(r"V([A-Z]{0,2} ?\d.*)")  # "V96", "VC 18", "V1 Suppl 1", "V479 ( Pt 3)"
_WOS_PAGE = re.compile(r"[Pp]([A-Za-z]{0,2}\d[\w\-]*)")
_WOS_NUMBER = re.compile(r"(?:ARTN|UNSP|UNSP ARTN)\s+(\S+)")
_WOS_AUTHOR = re.compile(r"\*?\[?[A-Z][A-Za-z'\-]*(?: [A-Z][A-Za-z'\-]*)*\]?")
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "le", "la",
                        "dos", "das", "du", "ter", "ten", "el", "al", "st", "mc", "mac"})
_WOS_NAME = re.compile(r"[^\d,;:()]{1,50}")  # "Smith J", "Karp Peter D", "[Anonymous]"
_GENERIC_TAIL = re.compile(r"(?i)proc\w*|vol\.? \w+|part \w+|\w+ ?'?\d\d")  # "CIKM'99"
_SHORT_NAME_PART = re.compile(r"[^\d,]{1,20}")  # "V" in "Magoon, V, 2020"

# -- Scopus parts ---------------------------------------------------------------------------
_CSV_YEAR = re.compile(r",\s*\((" + _YEAR + r")[a-z]?\)\s*\.?\s*$")
_RIS_YEAR = re.compile(r"(?:^|\s)\((" + _YEAR + r")[a-z]?\)(?=\s|,|$)")
_PAGES = re.compile(r"pp?\.\s*(?:(?P<month>[A-Za-z]{3}-\d+)"  # "pp. 45-67", "p. e939"
                    r"|(?P<first>[A-Za-z]{0,3}-?\d+[A-Za-z0-9]*)(?:\s*[-\u2013]\s*[\w.]+)?"
                    r"|[^,]*?)\.?", re.I)
_MONTHS = re.compile(r"(?i)(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)-\d+")
# "12", "106 (5)", "107 C", "S1", "Suppl 1": a volume or an issue
_NUMBER = re.compile(r"(?:Suppl|Pt|Part|Spec)\.?(?: ?\w+)?|([A-Za-z]?\d+(?: ?[A-Za-z])?)"
                     r"(?: ?\([^)]*\))?(?: (?:Suppl|Pt|Part)\.?(?: ?\w+)?)?")
_CSV_AUTHOR = re.compile(r"[^\W\d_][\w'\u2019.\-]*(?: [\w'\u2019.\-]+){0,3}"
                         r" (?:[A-Z][a-z]?\.?-?){1,5}")
_RIS_AUTHOR = re.compile(r"([^,()]{1,60}?), ((?:[A-Z\u00c0-\u00de][a-z]?\.\s?-?)+)(?:, |$)")

# -- free text ------------------------------------------------------------------------------
_FREE_YEAR = re.compile(r"^(?P<au>.{2,300}?)\.?\s+\(?(?P<year>" + _YEAR
                        + r")[a-z]?\)?\.\s+(?P<rest>.+)$")
_SENTENCE_SOURCE = re.compile(
    r"^(?P<title>.+[.?!])\s+(?P<src>[^.:;]+?)[,\s]\s*(?P<vol>\d+)(?:\s*\([^)]*\))?\s*[:,]\s*"
    r"(?P<page>[A-Za-z]{0,3}\d+)")
_VANCOUVER = re.compile(
    r"^(?P<au>[^.]{2,300}?)\.\s+(?P<title>.+?[.?!])\s+(?P<src>[^.;]+?)\.?\s+(?P<year>" + _YEAR
    + r")[^;:.]{0,20}(?:;\s*(?P<vol>\d+)?(?:\s*\([^)]*\))?(?::\s*(?P<page>[A-Za-z]{0,3}\d+))?)?")
_VANCOUVER_BOOK = re.compile(  # "Smith J. Title. London: Publisher; 2001." or "... Title. 2001."
    r"^(?P<au>[^.]{2,300}?)\.\s+(?P<title>.+?[.?!])\s+(?:.*?[:;,]\s*)?(?P<year>" + _YEAR
    + r")[a-z]?\.?$")
_YEAR_VOLUME_PAGE = re.compile(
    r"\b(?P<year>" + _YEAR + r")\s*;\s*(?P<vol>\d+)(?:\s*\([^)]*\))?\s*:\s*"
    r"(?P<page>[A-Za-z]{0,3}\d+)")
_LOOSE_YEAR = re.compile(r"\((" + _YEAR + r")[a-z]?\)|(?<![\d\-/.])(" + _YEAR + r")(?![\d\-/])")
_NAME = re.compile(r"[^\W\d_][\w'\u2019\-]*(?: [\w'\u2019.\-]+){0,4}")


def _author(text: str | None) -> str | None:
    """The surname key of a first author as written ("Smith J", "Agostini, A.", "[Anonymous]")."""
    if not text:
        return None
    text = text.strip().strip("*").strip()
    if not text or len(text) > 80 or text.startswith("["):
        return None
    key = surname(text)
    return None if key in _ANONYMOUS else key


def _clean(text: str | None) -> str | None:
    """Trimmed text without trailing punctuation; None if nothing is left."""
    if not text:
        return None
    text = text.strip().rstrip(".,;:").strip()
    return text or None


def _volume(text: str | None) -> str | None:
    return text.lstrip("0") or text if text else None


def _wos(raw: str, text: str, doi: str | None) -> CitedRef | None:
    """"Author, Year, [Title, ]Source, V1, P2, DOI x" (Web of Science; Crossref's parts)."""
    head, _, doi_part = text.partition(", DOI ")
    doi = normalise_doi(doi_part) or doi
    tokens = [t.strip() for t in head.split(", ")]
    if not _WOS_NAME.fullmatch(tokens[0]) or tokens[0].count(" ") > 4:
        return None
    year_at = None
    if len(tokens) > 1 and _YEAR_TOKEN.fullmatch(tokens[1]):
        year_at = 1
    elif len(tokens) > 2 and _YEAR_TOKEN.fullmatch(tokens[2]) \
            and _SHORT_NAME_PART.fullmatch(tokens[1]):
        year_at = 2
    elif len(tokens) >= 2 and _WOS_AUTHOR.fullmatch(tokens[0]) and head.upper() == head:
        year_at = 0  # "LIU Y, WATER RESOURCE UNPUB": no year
    if year_at is None:
        return None
    year = int(tokens[year_at][:4]) if year_at else None
    author = ", ".join(tokens[:year_at]) if year_at else tokens[0]
    words = author.split()
    if len(words) > 1 and "," not in author:  # "Karp Peter D", "DAS JB": the surname first
        at = 0
        while at < len(words) - 2 and words[at].lower() in _PARTICLES:
            at += 1  # "van der Berg J"
        author = " ".join(words[: at + 1])
    volume = page = None
    texts: list[str] = []
    for token in tokens[year_at + 1 if year_at else 1 :]:
        if volume is None and page is None and (m := _WOS_VOLUME.fullmatch(token)):
            volume = m.group(1)
        elif page is None and (m := _WOS_PAGE.fullmatch(token) or _WOS_NUMBER.fullmatch(token)):
            page = m.group(1)
        elif token.startswith("DOI "):
            doi = doi or normalise_doi(token)
        elif volume is None and page is None and token:
            texts.append(token)
    title = source = None
    if len(texts) > 1 and not all(t.upper() == t for t in texts) \
            and not _GENERIC_TAIL.fullmatch(texts[-1]):
        title, source = ", ".join(texts[:-1]), texts[-1]  # Crossref: title, journal
    elif texts:  # Web of Science: a source holding commas ("... CONFERENCE, VOL I")
        source = ", ".join(texts)
    return CitedRef(raw=raw, first_author=_author(author), year=year, title=_clean(title),
                    source=_clean(source), volume=_volume(volume), first_page=page, doi=doi)


def _tail(tokens: list[str]) -> tuple[str | None, str | None]:
    """Volume and first page from the end of a Scopus reference (removed from ``tokens``)."""
    page = None
    while tokens and not tokens[-1].strip():
        tokens.pop()
    if tokens and (m := _PAGES.fullmatch(tokens[-1].strip())):
        month = m.group("month")  # "pp. Sep-19": Excel made "9-19" a date
        page = month if month and _MONTHS.fullmatch(month) else m.group("first")
        page = page.replace("-", "") if page and not month else page
        tokens.pop()
    numbers: list[str] = []
    while len(tokens) > 1 and (m := _NUMBER.fullmatch(tokens[-1].strip().rstrip("."))):
        if m.group(1):
            numbers.insert(0, m.group(1))
        tokens.pop()
    return _volume(numbers[0] if numbers else None), page


def _scopus_csv(raw: str, text: str, doi: str | None) -> CitedRef | None:
    """"A B.; C D., Title, Journal, 12, 3, pp. 45-67, (2001)" (Scopus CSV)."""
    found = _CSV_YEAR.search(text)
    if not found:
        return None
    tokens = text[: found.start()].split(", ")
    author = None
    if len(tokens) > 1 and ("; " in tokens[0] or _CSV_AUTHOR.fullmatch(tokens[0])):
        author = tokens.pop(0).split(";")[0]
    volume, page = _tail(tokens)
    tokens = [t for t in tokens if t.strip()]
    title = source = None
    if len(tokens) > 1:
        title, source = ", ".join(tokens[:-1]), tokens[-1]
    elif tokens:
        title = tokens[0]
    return CitedRef(raw=raw, first_author=_author(author), year=int(found.group(1)),
                    title=_clean(title), source=_clean(source), volume=volume,
                    first_page=page, doi=doi)


def _scopus_ris(raw: str, text: str, doi: str | None) -> CitedRef | None:
    """"Agostini, A., Righi, S., Title (2017) Journal, 29 (2), pp. 1-10" (Scopus RIS)."""
    found = _RIS_YEAR.search(text)
    if not found:
        return None
    head = text[: found.start()].strip().rstrip(",")
    author = None
    at = 0
    while m := _RIS_AUTHOR.match(head, at):
        author = author or m.group(1)
        at = m.end()
    title: str | None = head[at:].strip(" ,") or None
    if author is None and title and ", " in title:  # "Association AAP, Manual of ..."
        first, rest = title.split(", ", 1)
        if _NAME.fullmatch(first):
            author, title = first, rest
    tokens = [t for t in text[found.end():].strip(" ,").split(", ")]
    cut = next((i for i, t in enumerate(tokens)
                if t.endswith(". ") or (t.endswith(".") and _PAGES.fullmatch(t))), None)
    if cut is not None:  # ". , Kirsner JB, ed. Philadelphia": notes after the pages
        tokens = tokens[: cut + 1]
    volume, page = _tail(tokens)
    tokens = [t for t in tokens if t.strip()]
    source = ", ".join(tokens) if tokens else None
    return CitedRef(raw=raw, first_author=_author(author), year=int(found.group(1)),
                    title=_clean(title), source=_clean(source), volume=volume,
                    first_page=page, doi=doi)


def _first_name(text: str) -> str | None:
    """The first author of free text: what comes before the first ',' or '. ', if a name."""
    head = re.split(r",|\.\s|\s(?:and|&|et al)\b", text, maxsplit=1)[0].strip()
    return head if _NAME.fullmatch(head) else None


def _free(raw: str, text: str, doi: str | None) -> CitedRef:
    """Best effort on free text (Ovid, Vancouver, APA, unstructured strings)."""
    m = _FREE_YEAR.match(text)
    if m:  # Ovid / APA: "Authors. 1989. Title. Journal 39: 378-386."
        rest = m.group("rest")
        s = _SENTENCE_SOURCE.match(rest)
        if s:
            return CitedRef(raw=raw, first_author=_author(_first_name(m.group("au"))),
                            year=int(m.group("year")), title=_clean(s.group("title")),
                            source=_clean(s.group("src")), volume=_volume(s.group("vol")),
                            first_page=s.group("page"), doi=doi)
        title = re.split(r"(?<=[.?!])\s", rest, maxsplit=1)[0]
        return CitedRef(raw=raw, first_author=_author(_first_name(m.group("au"))),
                        year=int(m.group("year")), title=_clean(title), doi=doi)
    v = _VANCOUVER.match(text)
    if v:  # "Smith J, Jones K. Title. Journal. 2001;12(3):45-67."
        return CitedRef(raw=raw, first_author=_author(_first_name(v.group("au"))),
                        year=int(v.group("year")), title=_clean(v.group("title")),
                        source=_clean(v.group("src")), volume=_volume(v.group("vol")),
                        first_page=v.group("page"), doi=doi)
    b = _VANCOUVER_BOOK.match(text)
    if b:  # a book or report: no journal, volume or page
        return CitedRef(raw=raw, first_author=_author(_first_name(b.group("au"))),
                        year=int(b.group("year")), title=_clean(b.group("title")), doi=doi)
    year: int | None = None
    volume = page = None
    tail = _YEAR_VOLUME_PAGE.search(text)
    if tail:
        year, volume, page = int(tail.group("year")), tail.group("vol"), tail.group("page")
    elif y := _LOOSE_YEAR.search(text):
        year = int(y.group(1) or y.group(2))
    return CitedRef(raw=raw, first_author=_author(_first_name(text)), year=year,
                    volume=_volume(volume), first_page=page, doi=doi)


def _parse(raw: str) -> CitedRef:
    text = _SPACES.sub(" ", raw[:_LONGEST]).strip()
    doi = normalise_doi(text)
    if "DOI " in text and ", " in text:
        wos = _wos(raw, text, doi)
        if wos is not None:
            return wos
    rest = _DOI_TEXT.sub(" ", text) if doi else text
    rest = _URL.sub(" ", rest) if "http" in rest or "www." in rest else rest
    rest = _SPACES.sub(" ", rest).strip(" ,;.")
    if not rest:
        return CitedRef(raw=raw, doi=doi)
    for style in (_wos, _scopus_csv, _scopus_ris):
        ref = style(raw, rest, doi)
        if ref is not None:
            return ref
    return _free(raw, rest, doi)


def parse(raw: str) -> CitedRef:
    """The parts of one cited reference; fields that cannot be read are None."""
    try:
        return _parse(raw or "")
    except Exception:  # noqa: BLE001 - junk must never stop an import or a graph
        return CitedRef(raw=raw or "")


def parse_many(raws: Iterable[str]) -> list[CitedRef]:
    """``parse`` over many strings; a string seen before is parsed once."""
    seen: dict[str, CitedRef] = {}
    out: list[CitedRef] = []
    for raw in raws:
        ref = seen.get(raw)
        if ref is None:
            ref = seen[raw] = parse(raw)
        out.append(ref)
    return out
