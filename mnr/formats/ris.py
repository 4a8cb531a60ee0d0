"""RIS reader: rispy parses each record; this module finds the records and fixes vendor quirks.

The file is split into records here (a ``TY  - `` line to its ``ER  -`` line) with
``str.find``, so each record keeps its verbatim text, gets a line number, and a
truncated file is caught; one reused ``rispy.RisParser`` then parses each record.
What rispy cannot do is repaired around it, one helper per quirk: Ovid ``NL``
lines after ``ER``, 4-letter tags (APA PsycNET ``PMID``), Scopus reference lists
on untagged lines, repeated tags (EBSCO's second ``AB``, Embase's second ``DB``)
and provider headers (APA PsycNET ``Database: PsycINFO``). Cochrane CENTRAL is known by
its ``CN-`` accession numbers; a PubMed ID named in ``C3`` ("PUBMED 21314913") or a note
("PMID: 123") is taken when no vendor field gives one. A record whose ``TY`` line is
damaged is refused (its ``ER`` turns up between records), never skipped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import rispy

from mnr.errors import FormatError
from mnr.formats.fields import clean, clean_doi, join_pages, parse_year, strip_markup
from mnr.records import ParsedRecord

NAME = "ris"
RAW_IS_COMPLETE = True
LABEL = (
    "RIS (Ovid, EBSCOhost, ProQuest, APA PsycNET, Embase, Cochrane, Scopus, WoS, Zotero, "
    "Google Scholar, OpenAlex)"
)

_TY = "TY  - "
_NL_TY = "\n" + _TY
_NL_ER = "\nER  -"
_NL_REFS = "\nN1  - References:"
_TY_OR_ER = re.compile(f"{_NL_TY}|{_NL_ER}")
# A tag of 3-4 characters ("PMID  - 123"): rispy would glue it to the previous field.
_LONG_TAG = re.compile(r"([A-Z][A-Z0-9]{2,3})  - ?(.*)")
_GLUED_TAG = re.compile(r"[A-Z][A-Z0-9]  - ")  # "...American Psychiatric PubUR  - http"
_HEADER_LINE = re.compile(r"^([A-Z][A-Za-z ]{1,30}):[ \t]*(\S.*)$", re.MULTILINE)
_OVID_MARK = re.compile(r"^\d+\.[ \t]*$|Ovid", re.MULTILINE)  # "1." numbering, Ovid links
_BOILERPLATE = re.compile(r"Copyright of .{1,500}? is the property of ", re.DOTALL)
_NO_PAGES = re.compile(r"No(-| Pagination )Specified$", re.IGNORECASE)
_COVERAGE = re.compile(r"\s*<[^<>]*>$")  # "ERIC <1992 to June 2024>"
_SN_SPLIT = re.compile(r"[\s,;()\[\]]+")
_ISSN = re.compile(r"\d{7}[\dX]")
_ISSN_ONLY = re.compile(r"\d{4}-?\d{3}[\dXx]")
_ISBN = re.compile(r"97[89]\d{10}|\d{9}[\dX]")
_DIGITS = re.compile(r"\d{1,9}")
# "PUBMED 38407106,EMBASE 643589775" (Cochrane C3), "PMID: 31978945", "PubMed ID: 123"
_NAMED_PMID = re.compile(r"\b(?:PMID|PubMed(?:\s+ID)?)\b\s*[:=]?\s*(\d{1,9})\b", re.IGNORECASE)
_CENTRAL_ID = re.compile(r"CN-\d{6,}")  # a Cochrane CENTRAL accession number
_ACCESSION = re.compile(r"Accession Number:\s*([^;\s]+)")
_SCOPUS_EID = re.compile(r"[?&]eid=(2-s2\.0-\d+)")
_ZOTERO_DATE = re.compile(r"\d{4}/(\d\d)?/(\d\d)?/")  # Zotero writes DA as "2024///"
# EBSCOhost puts its short database code in DB ("aph"); the ones we are sure of:
_EBSCO_DATABASES = {
    "aph": "Academic Search Premier",
    "a9h": "Academic Search Complete",
    "asn": "Academic Search Ultimate",
    "psyh": "APA PsycInfo",
    "cmedm": "MEDLINE",
    "mdc": "MEDLINE Complete",
    "eric": "ERIC",
    "bth": "Business Source Premier",
    "buh": "Business Source Complete",
    "ccm": "CINAHL Complete",
    "rzh": "CINAHL Plus with Full Text",
}


class _Parser(rispy.RisParser):
    """rispy's parser, told to keep repeated tags (a second AB or DB) as lists instead of
    dropping them, with the crash that setting causes fixed: a continuation line after a
    repeated tag would make rispy ``" ".join`` a list with a string.

    ``parse_lines`` is rispy's own loop with its per-line helpers (``parse_line``,
    ``_add_tag``, ``_add_list_value``) inlined: same tag map, list tags, delimiters and
    results (tests/formats/test_ris.py compares the two on every real export), at under
    half the CPU time. It is the import's hot path: three method calls a line were
    most of the cost of reading 100,000 records. Most lines start with a known tag's
    head ("AU  - "): one dict lookup of it gives the tag and field, and a first value or
    another item of a list tag is stored at once, which rispy's steps would do too."""

    def __init__(self) -> None:
        # a set makes the per-line "tag in list_tags" test cheaper than rispy's list
        super().__init__(enforce_list_tags=False, list_tags=frozenset(rispy.LIST_TYPE_TAGS))
        # the tags of rispy's map that pass its test for a tag line (all of them, today)
        self._known = {tag: name for tag, name in self.mapping.items()
                       if len(tag) == 2 and tag.isupper() and tag[0].isalpha()}
        # the usual line starts with one of these "AU  - " heads: one lookup tells its tag,
        # and whether it is a list tag (AU, KW); tags that end a record, are ignored or
        # have a delimiter (UR) are left to the full test
        self._heads = {f"{tag}  - ": (tag, name, tag in self.list_tags)
                       for tag, name in self._known.items()
                       if tag != self.END_TAG and tag not in self.ignore
                       and not self.delimiter_map.get(tag)}

    def _add_single_value(
        self, record: dict[str, Any], name: str, value: Any, is_multi: bool = False
    ) -> None:
        # rispy's own method with enforce_list_tags=False (``parse_lines`` inlines it)
        if not is_multi:
            if name in record:
                self._add_list_value(record, name, value)
            else:
                record[name] = value
            return
        current = record[name]
        if isinstance(value, list):
            current.extend(value)
        elif isinstance(current, list):
            current[-1] = f"{current[-1]} {value}"
        else:
            record[name] = f"{current} {value}"

    def parse_lines(
        self, lines: Any, long_tags: dict[str, list[str]] | None = None
    ) -> list[dict[str, Any]]:
        """rispy's ``RisParser.parse_lines`` (records from ``TY`` to ``ER``), inlined.

        Given ``long_tags``, lines with a tag of 3-4 characters (``PMID  - 1``), which
        rispy would glue to the field before, go there instead, as if taken out first."""
        mapping, list_tags, delimiters = self.mapping, self.list_tags, self.delimiter_map
        known, heads = self._known, self._heads
        ignore, skip_unknown = self.ignore, self.skip_unknown_tags
        start_tag, end_tag = self.START_TAG, self.END_TAG
        unknown_name = mapping[self.UNKNOWN_TAG]
        result: list[dict[str, Any]] = []
        content: Any
        record: dict[str, Any] | None = None
        last_tag: str | None = None
        tag: str | None
        for line in lines:
            hit = heads.get(line[:6])
            if hit is not None and record is not None:  # the usual line: a known tag's value
                tag, name, listed = hit
                content, multi, last_tag = line[6:].strip(), False, tag
                current = record.get(name)
                if current is None:  # the tag's first value
                    record[name] = [content] if listed else content
                    continue
                if listed and isinstance(current, list):  # another author, keyword...
                    current.append(content)
                    continue
            else:
                tag, dash = line[:2], line[2:5] == "  -"  # rispy's test for a tag line
                name = known.get(tag) if dash else None
                tagged = name is not None or (dash and tag.isupper() and line[0:1].isalpha())
                if record is None:  # rispy's _iter_till_start: skip to the next TY line
                    if line.startswith(start_tag):
                        record = {mapping[start_tag]: (line[6:] if tagged else line).strip()}
                    continue
                if tagged:
                    content = line[6:].strip()
                    if tag in ignore:
                        continue
                    if tag == end_tag:
                        result.append(record)
                        record = None
                        continue
                    multi, last_tag = False, tag
                else:  # a continuation of the last tag's value
                    if long_tags is not None and (match := _LONG_TAG.match(line)):
                        long_tags.setdefault(match.group(1), []).append(match.group(2).strip())
                        continue
                    tag, content, multi = last_tag, line.strip(), True
                    name = mapping.get(tag)
                if name is None:  # rispy keeps unknown tags by tag under "unknown_tag"
                    if not skip_unknown:
                        unknown = record.get(unknown_name)
                        if unknown is None:
                            unknown = record[unknown_name] = defaultdict(list)
                        unknown[tag].append(content)
                    continue
            if tag in delimiters and (delimiter := delimiters[tag]):
                content = [part.strip() for part in content.split(delimiter)]
            if tag in list_tags or (not multi and name in record):  # _add_list_value
                current = record.get(name)
                if current is None:
                    record[name] = content if isinstance(content, list) else [content]
                elif isinstance(current, list):
                    if isinstance(content, list):
                        current.extend(content)
                    else:
                        current.append(content)
                else:
                    record[name] = [current, *content] if isinstance(content, list) else [
                        current, content]
            elif not multi:
                record[name] = content
            else:
                self._add_single_value(record, name, content, is_multi=True)
        return result


@dataclass(slots=True)
class _FileHints:
    """What the text before the first record says about the whole file."""

    header: dict[str, str] = field(default_factory=dict)  # APA PsycNET "Database: PsycINFO"
    ids_are_accessions: bool = False  # Ovid and APA put the database accession number in ID


def sniff(text: str) -> bool:
    """True when some line starts with ``TY  - `` (WoS, MEDLINE and Ovid tagged files never do)."""
    return text.startswith(_TY) or _NL_TY in text


def _is_tag(line: str) -> bool:
    """The test rispy applies to decide whether a line starts a new tag."""
    return line[2:5] == "  -" and line[:2].isupper() and line[0:1].isalpha()


def _file_hints(header: str) -> _FileHints:
    """Read a provider header and Ovid numbering from the text before the first record."""
    hints = _FileHints()
    if len(header) < 4000:
        hints.header = {m.group(1): m.group(2).strip() for m in _HEADER_LINE.finditer(header)}
        ovid = _OVID_MARK.search(header) is not None
        apa = "American Psychological Association" in hints.header.get("Provider", "")
        hints.ids_are_accessions = ovid or apa
    return hints


def _trailing_tags(text: str, end: int, limit: int) -> tuple[int, list[str]]:
    """Tagged lines right after ``ER`` (Ovid writes ``NL  - `` there); returns the new end."""
    extra: list[str] = []
    pos = end + 1
    while pos < limit:
        eol = text.find("\n", pos, limit)
        eol = limit if eol < 0 else eol
        line = text[pos:eol]
        if not _is_tag(line) or line[:2] in ("ER", "TY"):
            break
        extra.append(line)
        end, pos = eol, eol + 1
    return end, extra


def _scopus_refs(raw: str, lines: list[str]) -> list[str]:
    """Scopus writes ``N1  - References: ref1;`` and one untagged line per further
    reference; returns the note's lines (as rispy strips them; the first is
    "References: ref1;"). When the list was cut short, the next tag can be glued to the
    last reference ("...PubUR  - https://..."): that line is split in ``lines``."""
    at = raw.find(_NL_REFS)
    if at < 0:
        return []
    first = raw.count("\n", 0, at) + 1  # index of the N1 line in lines
    end = first + 1
    while end < len(lines) and not _is_tag(lines[end]):
        end += 1
    line = lines[end - 1]
    glued = _GLUED_TAG.search(line, 7 if end - 1 == first else 1)
    if glued:
        lines[end - 1 : end] = [line[: glued.start()], line[glued.start() :]]
    return [lines[first][6:].strip(), *(line.strip() for line in lines[first + 1 : end])]


def _regroup_notes(record: dict[str, Any], note: list[str]) -> list[str]:
    """rispy makes each reference line a separate note: put the References note back
    together as one ``notes`` item (lines joined by newlines) and return the references."""
    notes = record.get("notes")
    if isinstance(notes, list) and note[0] in notes:
        at = notes.index(note[0])
        if notes[at : at + len(note)] == note:
            notes[at : at + len(note)] = ["\n".join(line for line in note if line)]
    refs = [note[0].removeprefix("References:"), *note[1:]]
    return list(filter(None, [ref.strip().rstrip(";").rstrip() for ref in refs]))


def _plain_fields(record: dict[str, Any], extra: dict[str, list[str]]) -> dict[str, Any]:
    """rispy's dict made JSON-friendly: ``unknown_tag`` as a plain dict with string keys."""
    unknown = record.get("unknown_tag")
    if unknown is not None or extra:
        plain = {("_untagged" if k is None else k): list(v) for k, v in (unknown or {}).items()}
        for tag, values in extra.items():
            plain.setdefault(tag, []).extend(values)
        record["unknown_tag"] = plain
    return record


def _issn_isbn(values: Any) -> tuple[str | None, str | None]:
    """The first ISSN and the first ISBN among the SN values (told apart by their shape)."""
    issn = isbn = None
    for value in _texts(values):
        if issn is None and _ISSN_ONLY.fullmatch(value):  # the usual "1234-5678" alone
            issn = f"{value[:4]}-{value[-4:].upper()}"
            continue
        for token in _SN_SPLIT.split(value):
            compact = token.replace("-", "").upper()
            if issn is None and len(compact) == 8 and _ISSN.fullmatch(compact):
                issn = f"{compact[:4]}-{compact[4:]}"
            elif isbn is None and _ISBN.fullmatch(compact):
                isbn = token
    return issn, isbn


def _text(value: Any) -> str | None:
    """The first value, tidied: ``clean(first(value))`` for rispy's already-stripped strings,
    without a regex on the hot path."""
    if value is None:  # most tags are absent from most records: the commonest case first
        return None
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return (value.strip() if "  " not in value else " ".join(value.split())) or None
    return clean(value)


def _texts(value: Any) -> list[str]:
    """All values, tidied and non-empty: ``as_list`` for rispy's already-stripped strings."""
    if not value:
        return []
    if isinstance(value, str):  # one value (AB): no list to build and filter
        text = _text(value)
        return [text] if text else []
    return [text for v in value if (text := v.strip() if "  " not in v else " ".join(v.split()))]


def _year(value: Any) -> int | None:
    """``parse_year``, without its regex for the usual "2016" or "2016//": four ASCII digits
    of a plausible year, then no digit, are the first year its regex would find."""
    if value is None:  # most records lack two of the three tags tried
        return None
    if type(value) is str:
        head = value[:4]
        if (head.isascii() and head.isdigit() and "1500" <= head <= "2199"
                and not value[4:5].isdigit()):
            return int(head)
    return parse_year(value)


def _digits(value: Any) -> str | None:
    """A bare numeric id (PubMed ID) or None."""
    text = _text(value)
    return text if text and _DIGITS.fullmatch(text) else None


def _source_id(
    rec: dict[str, Any], raw: str, unknown: dict[str, list[str]], embase: bool, ovid: bool
) -> str | None:
    """The record's id in its database: AN, Embase U2, EBSCO's N1 accession, Ovid/APA ID,
    or the Scopus EID in the record URL."""
    accession = _text(rec.get("accession_number"))
    if accession:
        return accession.split(";")[0].strip() or None  # ProQuest "2214991469; 51887"
    if embase:
        return _text(unknown["U2"])
    for note in rec.get("notes") or []:  # EBSCO
        match = _ACCESSION.match(note) if note.startswith("Accession Number:") else None
        if match:
            return match.group(1)
    if rec.get("id") and (ovid or "ovid.com" in raw):
        return _text(rec["id"])
    for url in _texts(rec.get("urls")):
        match = _SCOPUS_EID.search(url) if "eid=" in url else None
        if match:
            return match.group(1)
    return None


def _origin(
    rec: dict[str, Any], raw: str, unknown: dict[str, list[str]], hints: _FileHints
) -> tuple[str | None, bool, bool, bool]:
    """The database searched, and whether Scopus, Embase.com (Medline-only records too) or
    EBSCOhost wrote the record: they put some fields where others do not."""
    dbs = lowered = _texts(rec.get("name_of_database"))
    if dbs:  # (no lists to build for the many records without DB)
        dbs = [_COVERAGE.sub("", db) if db[-1] == ">" else db for db in dbs]
        lowered = [db.lower() for db in dbs]
    scopus = "scopus" in lowered
    embase = "U2" in unknown and ("embase" in lowered or "embase.com" in raw)
    ebsco = _text(rec.get("database_provider")) == "EBSCOhost"
    # A Zotero DB is the user's "Archive"/catalog field, not the database searched;
    # Embase.com marks Medline-only records DB "Medline", but they came from Embase.
    database = dbs[0] if dbs else hints.header.get("Database")
    if embase:
        database = "Embase"
    elif ebsco and database:
        database = _EBSCO_DATABASES.get(database, database)
    elif database and _ZOTERO_DATE.match(_text(rec.get("date")) or ""):
        database = None
    elif database is None and (_text(rec.get("accession_number")) or "").startswith("WOS:"):
        database = "Web of Science"
    elif database is None and _is_central(rec, raw, hints):
        database = "Cochrane CENTRAL"
    return database, scopus, embase, ebsco


def _is_central(rec: dict[str, Any], raw: str, hints: _FileHints) -> bool:
    """A Cochrane Library (CENTRAL) export: its records carry a "CN-" accession number
    (AN, or ID in some exports) or link to cochranelibrary.com/central; the file starts
    with "Provider: John Wiley & Sons" (which Wiley journals write too, so that alone
    does not decide)."""
    accession = _text(rec.get("accession_number")) or _text(rec.get("id")) or ""
    if _CENTRAL_ID.fullmatch(accession):
        return True
    wiley = "Wiley" in hints.header.get("Provider", "")
    return "cochranelibrary.com/central/" in raw and (wiley or _CENTRAL_ID.search(raw) is not None)


def _title(rec: dict[str, Any], unknown: dict[str, list[str]]) -> str | None:
    """TI, T1, or a conference or book title (CT, BT), with WoS's HTML markup taken out."""
    get = rec.get
    title = _text(get("title") or get("primary_title") or unknown.get("CT") or unknown.get("BT"))
    if title and "<" in title and ">" in title:  # WoS: "feathered dinosaurs: <i>Kulindadromeus"
        return strip_markup(title)
    return title


def _authors(rec: dict[str, Any]) -> list[str]:
    """Primary authors are AU and A1; editors, series editors etc. only when there are none."""
    names = _texts(rec.get("authors")) + _texts(rec.get("first_authors"))
    for key in ("secondary_authors", "tertiary_authors", "subsidiary_authors"):
        if names:
            break
        names = _texts(rec.get(key))
    return list(dict.fromkeys(names))


def _journal(rec: dict[str, Any]) -> str | None:
    """T2, then JF before JO: Embase writes the abbreviation in JO."""
    get = rec.get
    return _text(
        get("secondary_title")
        or get("alternate_title3")
        or get("journal_name")
        or get("alternate_title2")
        or get("alternate_title1")
    )


def _pages(rec: dict[str, Any]) -> str | None:
    """SP-EP, or else the article number (C7) Scopus and WoS give."""
    pages = join_pages(rec.get("start_page"), rec.get("end_page"))
    # Ovid's "No Pagination Specified", as SP "No" and EP "Specified"
    if pages and pages[0] in "Nn" and _NO_PAGES.match(pages):
        pages = None
    return pages or _text(rec.get("custom7"))


def _doi(rec: dict[str, Any], unknown: dict[str, list[str]]) -> str | None:
    """DO, or EBSCO's L3, APA PsycNET's M3 "doi:10...", or a doi.org link."""
    get = rec.get
    return (
        clean_doi(get("doi"))
        or clean_doi(unknown.get("L3"))
        or clean_doi(get("type_of_work"))
        or clean_doi(
            [u for u in _texts(get("urls")) + _texts(get("file_attachments2")) if "doi.org/" in u]
        )
    )


def _pmid(
    rec: dict[str, Any], unknown: dict[str, list[str]], scopus: bool, embase: bool
) -> str | None:
    """APA's PMID tag, Scopus's C2 or Embase's C5; else a PubMed ID named as one in C3
    (Cochrane CENTRAL and EndNote: "PUBMED 38407106,EMBASE 643589775") or in a note
    (PsycINFO, reference managers: "PMID: 31978945")."""
    pmid = _digits(unknown.get("PMID"))
    if pmid is None and scopus:
        pmid = _digits(rec.get("custom2"))
    if pmid is None and embase:
        pmid = _digits(rec.get("custom5"))
    if pmid is None:
        custom3, notes = rec.get("custom3"), rec.get("notes")
        return _named_pmid(custom3, notes) if custom3 or notes else None  # most have neither
    return pmid


def _named_pmid(*fields: Any) -> str | None:
    """The first PubMed ID named as one in these fields' values ("PMID: 123"), searched
    in one pass over them all (joined by NULs, which no match can span); a Scopus
    "References:" note holds the cited works' ids, not this record's."""
    values = [value for field in fields if field
              for value in ([field] if isinstance(field, str) else field)
              if value and not value.lstrip().startswith("References:")]
    if not values:
        return None
    joined = "\0".join(values)
    # Cheap to rule out: the regex's P, M, U, B, E and D match only their ASCII letters
    # (its I also matches "ı" and "İ", which lower() does not turn into "i"), so a match
    # shows in lower case as "pubmed", or as "pm" ("pmid" in ASCII text)
    lowered = joined.lower()
    if "pubmed" not in lowered and ("pmid" if joined.isascii() else "pm") not in lowered:
        return None
    match = _NAMED_PMID.search(joined)
    return match.group(1) if match else None


def _abstract(rec: dict[str, Any]) -> str | None:
    """The first AB (or N2) that is not a copyright notice (EBSCO's second AB is one)."""
    for key in ("abstract", "notes_abstract"):
        value = rec.get(key)
        if value is None:
            continue
        for item in [value] if isinstance(value, str) else value:
            text = _text(item)  # (item by item: the first one is usually it)
            if text and not (text.startswith("Copyright of ") and _BOILERPLATE.match(text)):
                return text
    return None


def _pub_type(rec: dict[str, Any], unknown: dict[str, list[str]], m3_is_type: bool) -> str | None:
    """Ovid's PT, the document type in M3 (Scopus, Embase and EBSCO write it there), or TY."""
    if unknown.get("PT"):  # Ovid ERIC "Journal Articles, Reports - Descriptive"
        return _text(unknown["PT"])
    if m3_is_type:  # "Review"
        return _text(rec.get("type_of_work")) or _text(rec.get("type_of_reference"))
    return _text(rec.get("type_of_reference"))


def _keywords(rec: dict[str, Any]) -> list[str]:
    """KW, once each, without the "*" that marks APA's major topics."""
    keywords = _texts(rec.get("keywords"))
    for keyword in keywords:  # (a loop: cheaper than any() over a generator)
        if keyword[0] == "*":
            keywords = [kw.lstrip("*").lstrip() if kw[0] == "*" else kw for kw in keywords]
            break
    found = dict.fromkeys(keywords)
    found.pop("", None)  # a "*" alone
    return list(found)


def _to_record(
    rec: dict[str, Any], raw: str, locator: str, hints: _FileHints, refs: list[str]
) -> ParsedRecord:
    """Map rispy's field names to mnr's, choosing among vendor variants."""
    get = rec.get
    unknown: dict[str, list[str]] = get("unknown_tag") or {}
    if hints.header:
        rec["provider_header"] = dict(hints.header)
    database, scopus, embase, ebsco = _origin(rec, raw, unknown, hints)
    urls = _texts(get("urls")) or _texts(get("file_attachments2"))
    issn, isbn = _issn_isbn(get("issn"))
    return ParsedRecord(
        raw=raw,
        fields=rec,
        locator=locator,
        title=_title(rec, unknown),
        authors=_authors(rec),
        year=_year(get("year")) or _year(get("publication_year")) or _year(get("date")),
        journal=_journal(rec),
        volume=_text(get("volume")),
        issue=_text(get("number")),
        pages=_pages(rec),
        doi=_doi(rec, unknown),
        pmid=_pmid(rec, unknown, scopus, embase),
        issn=issn,
        isbn=isbn,
        abstract=_abstract(rec),
        keywords=_keywords(rec),
        language=_text(get("language")),
        pub_type=_pub_type(rec, unknown, scopus or embase or ebsco),
        url=urls[0] if urls else None,
        source_id=_source_id(rec, raw, unknown, embase, hints.ids_are_accessions),
        source_database=database,
        cited_refs=refs,
    )


def _check_gap(text: str, begin: int, end: int, line_no: int) -> None:
    """Text between two records (or after the last) may hold Ovid numbering and links,
    but not the end of a record: an ``ER`` there closes one whose ``TY`` line is damaged
    or missing, which would otherwise be skipped without a word."""
    at = text.find(_NL_ER, begin, end)
    if at < 0:
        return
    first = text.rfind("\n\n", begin, at)  # the blank line before the headless record
    first = begin if first < 0 else first + 1
    while first < at and text[first] in "\n \t":
        first += 1
    raise FormatError(
        "a record ends with 'ER  -' further on but does not start with a 'TY  - ' line; "
        "the file is damaged or was edited - fix the record's first line or export again",
        f"line {line_no + text.count(chr(10), begin, first)}",
    )


def count_records(text: str) -> int:
    """How many records the file holds (its TY lines), cheaply, for a progress bar."""
    return text.startswith(_TY) + text.count(_NL_TY)


def read(text: str) -> Iterator[ParsedRecord]:
    """Yield one ParsedRecord per ``TY``..``ER`` record, in file order.

    Text between records (Ovid numbering, "Link to the Ovid Full Text" lines) is
    skipped; a record whose ``ER`` is missing before the next ``TY`` ends there;
    one whose ``ER`` is missing at the end of the file means a truncated file.
    """
    start = 0 if text.startswith(_TY) else (text.find(_NL_TY) + 1 or -1)  # first TY line
    if start < 0:
        raise FormatError("no line starts with 'TY  - ', so this is not a RIS file", "line 1")
    _check_gap(text, 0, start, 1)  # a first record whose TY line is damaged
    hints = _file_hints(text[:start])
    parser = _Parser()
    line_no = 1 + text.count("\n", 0, start)
    while True:
        # the newlines before this record's ER line and the next record's TY line (or -1);
        # one regex scan finds whichever comes first (two finds took twice as long)
        first = _TY_OR_ER.search(text, start)
        if first is None:
            er = nxt = -1
        elif text.startswith(_NL_ER, first.start()):
            er = first.start()
            nxt = text.find(_NL_TY, er)
        else:  # no ER before the next TY
            er, nxt = -1, first.start()
        if er < 0 or 0 <= nxt < er:
            if nxt < 0:
                raise FormatError(
                    "this record has no 'ER  -' end line before the end of the file; "
                    "the file looks truncated - export it again",
                    f"line {line_no}",
                )
            raw = text[start:nxt]  # no ER before the next TY: the record ends there
            lines = raw.split("\n")
            n_lines = len(lines)
            lines.append("ER  -")
        else:
            er_end = text.find("\n", er + 1)
            er_end = len(text) if er_end < 0 else er_end
            extra: list[str] = []
            if text.startswith("\n", er_end + 1) or er_end + 1 >= len(text):
                end = er_end  # the usual blank line after ER: no tags there
            else:
                end, extra = _trailing_tags(text, er_end, len(text) if nxt < 0 else nxt)
            raw = text[start:end]
            lines = raw.split("\n")
            n_lines = len(lines)
            if extra:  # parse Ovid's "NL" after ER as part of the record: move ER last
                lines.append(lines.pop(-1 - len(extra)))
        ref_note = _scopus_refs(raw, lines)
        found: dict[str, list[str]] = {}
        parsed = parser.parse_lines(lines, found)
        rec = _plain_fields(parsed[0] if parsed else {}, found)
        refs = _regroup_notes(rec, ref_note) if ref_note else []
        parsed_record = _to_record(rec, raw, f"line {line_no}", hints, refs)
        parsed_record.span = (start, start + len(raw))
        yield parsed_record
        gap, gap_end = start + len(raw), len(text) if nxt < 0 else nxt
        if text.find(_NL_ER, gap, gap_end) >= 0:  # the usual gap holds none: no call
            _check_gap(text, gap, gap_end, line_no + n_lines - 1)
        if nxt < 0:
            return
        line_no += n_lines - 1 + text.count("\n", start + len(raw), nxt + 1)
        start = nxt + 1
