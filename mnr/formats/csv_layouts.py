"""Column maps for the CSV layouts csv_table understands: vendor exports and common names.

A layout is recognised from the header alone (a vendor's marker column such as
Scopus' ``EID`` or Lens' ``Lens ID``); anything else is read with the generic
aliases. Column names are compared after ``norm`` (case- and
punctuation-insensitive), so "Author(s)", "authors" and "AUTHORS" are one name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NOT_WORD = re.compile(r"[\W_]+")

# The parsed fields a column can feed. "date" is a fallback for "year";
# "page_start"/"page_end"/"article_no" are used when there is no "pages" cell.
TARGETS = (
    "title", "authors", "year", "date", "journal", "volume", "issue", "pages", "page_start",
    "page_end", "article_no", "doi", "pmid", "issn", "isbn", "abstract", "language",
    "pub_type", "url", "source_id", "database",
)  # fmt: skip


def norm(name: str) -> str:
    """A column name reduced to lower-case letters and digits ("Art. No." -> "artno")."""
    return _NOT_WORD.sub("", name.casefold())


@dataclass(frozen=True, slots=True)
class Layout:
    """How one kind of table maps its columns onto ParsedRecord fields.

    ``columns`` gives, per target, the candidate columns in order of preference
    (the first non-empty cell wins). ``keywords`` and ``refs`` list columns whose
    cells are split and concatenated: (column, separator) where separator None
    means "guess per cell", and for refs "scopus" means ';'-separated with
    authors rejoined (see csv_table.split_references).
    """

    name: str
    database: str | None
    markers: frozenset[str]  # any one of these columns identifies the layout
    columns: dict[str, tuple[str, ...]]
    author_sep: str | None  # None: guess per cell
    keywords: tuple[tuple[str, str | None], ...]
    refs: tuple[tuple[str, str], ...]
    emtree: frozenset[str] = frozenset()  # keyword columns whose "(qualifier)" suffix is dropped

    def known(self) -> set[str]:
        """Every normalised column name this layout reads."""
        names = {name for names in self.columns.values() for name in names}
        return names | {c for c, _ in self.keywords} | {c for c, _ in self.refs}


def _names(*names: str) -> tuple[str, ...]:
    return tuple(norm(n) for n in names)


# fmt: off
GENERIC_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": _names("title", "article title", "document title", "primary title"),
    "authors": _names(
        "authors", "author", "author names", "author full names", "author list", "creators",
        "creator",
    ),
    "year": _names(
        "year", "publication year", "pub year", "published year", "year published",
    ),
    "date": _names(
        "date", "publication date", "pub date", "date published", "date of publication", "issued",
    ),
    "journal": _names(
        "journal", "journal title", "source title", "journal name", "journal/book",
        "publication title", "secondary title", "container title", "container", "source",
        "periodical", "venue", "booktitle",
    ),
    "volume": _names("volume", "vol"),
    "issue": _names("issue", "number", "issue number"),
    "pages": _names("pages", "page", "page range", "pagination"),
    "page_start": _names("start page", "page start", "first page", "spage", "begin page"),
    "page_end": _names("end page", "page end", "last page", "epage"),
    "article_no": _names("article number", "art. no."),
    "doi": _names("doi", "digital object identifier"),
    "pmid": _names("pmid", "pubmed id", "pubmed"),
    "issn": _names("issn", "issns", "eissn"),
    "isbn": _names("isbn", "isbns"),
    "abstract": _names("abstract", "abstract note", "abstract text", "summary"),
    "language": _names("language", "lang", "language of original document"),
    "pub_type": _names(
        "type", "entrytype", "item type", "document type", "publication type", "pub type",
        "reference type", "doctype",
    ),
    "url": _names("url", "link", "links", "uri"),
    "source_id": _names(
        "id", "key", "record id", "ref id", "citation key", "cite key", "accession number",
        "covidence #", "uid",
    ),
    "database": _names("database", "database name", "library catalog"),
}
_GENERIC_KEYWORDS: tuple[tuple[str, str | None], ...] = (
    ("keywords", None), ("keyword", None), ("author keywords", None), ("index keywords", None),
    ("tags", None), ("manual tags", ";"), ("automatic tags", ";"), ("mesh terms", None),
    ("subjects", None),
)
# fmt: on
TITLE_NAMES = frozenset(GENERIC_COLUMNS["title"])


def _vendor(name: str, db_name: str, markers: tuple[str, ...], author_sep: str | None,
            keywords: tuple[tuple[str, str | None], ...], refs: tuple[tuple[str, str], ...] = (),
            emtree: tuple[str, ...] = (), **columns: tuple[str, ...]) -> Layout:  # fmt: skip
    """A vendor layout: the generic aliases with the vendor's own columns put first."""
    merged = dict(GENERIC_COLUMNS)
    for target, names in columns.items():
        if target not in TARGETS:
            raise ValueError(f"layout {name}: unknown target {target!r}")
        merged[target] = _names(*names)
    return Layout(
        name=name,
        database=db_name,
        markers=frozenset(_names(*markers)),
        columns=merged,
        author_sep=author_sep,
        keywords=tuple((norm(c), s) for c, s in keywords),
        refs=tuple((norm(c), s) for c, s in refs),
        emtree=frozenset(_names(*emtree)),
    )


_EMTREE = (
    "Emtree Drug Index Terms (Major Focus)", "Emtree Drug Index Terms",
    "Emtree Medical Index Terms (Major Focus)", "Emtree Medical Index Terms",
)  # fmt: skip

# fmt: off
VENDORS: tuple[Layout, ...] = (
    _vendor(
        "scopus", "Scopus", ("EID",), None,
        keywords=(("Author Keywords", ";"), ("Index Keywords", ";")),
        refs=(("References", "scopus"),),
        title=("Title",), authors=("Author full names", "Authors"), year=("Year",),
        journal=("Source title",), pages=(), page_start=("Page start",), page_end=("Page end",),
        article_no=("Art. No.",), pmid=("PubMed ID",), language=("Language of Original Document",),
        pub_type=("Document Type",), url=("Link",), source_id=("EID",), database=(),
    ),
    _vendor(
        "embase", "Embase", ("Embase Link", "Embase Accession ID", "Emtree Medical Index Terms"),
        ",",
        keywords=(("Author Keywords", ","), *((c, ",") for c in _EMTREE)),
        emtree=_EMTREE,
        title=("Title", "Original Title"), authors=("Author Names",),
        year=("Publication Year",), date=("Date of Publication",), journal=("Source title",),
        pages=(), page_start=("First Page",), page_end=("Last Page",), pmid=("Medline PMID",),
        abstract=("Abstract", "Original Abstract"), language=("Article Language",),
        pub_type=("Publication Type",), url=("Full Text Link", "Embase Link"),
        source_id=("Embase Accession ID", "PUI"), database=(),
    ),
    _vendor(
        "cochrane", "Cochrane CENTRAL", ("CENTRAL ID",), ";",
        keywords=(("Keywords", ";"),),
        authors=("Author(s)",), journal=("Source",), pmid=("PubMed ID",),
        source_id=("CENTRAL ID",), database=(),
    ),
    _vendor(
        "openalex", "OpenAlex",
        ("authorships.author.display_name", "primary_location.source.display_name"), "|",
        keywords=(("keywords.display_name", "|"),),
        refs=(("referenced_works", "|"),),
        title=("display_name", "title"), authors=("authorships.author.display_name",),
        year=("publication_year",), date=("publication_date",),
        journal=("primary_location.source.display_name",), volume=("biblio.volume",),
        issue=("biblio.issue",), pages=(), page_start=("biblio.first_page",),
        page_end=("biblio.last_page",), doi=("doi", "ids.doi"), pmid=("ids.pmid",),
        issn=("primary_location.source.issn_l", "primary_location.source.issn"),
        pub_type=("type",), url=("primary_location.landing_page_url", "id"),
        source_id=("id", "ids.openalex"), database=(),
    ),
    _vendor(
        "lens", "Lens", ("Lens ID",), ";",
        keywords=(("Keywords", ";"), ("MeSH Terms", ";")),
        refs=(("References", "scopus"),),
        authors=("Author/s",), year=("Publication Year",), date=("Date Published",),
        journal=("Source Title",), issue=("Issue Number",), pages=(),
        page_start=("Start Page",), page_end=("End Page",), issn=("ISSNs",),
        pub_type=("Publication Type",), url=("External URL", "Source URLs"),
        source_id=("Lens ID",), database=(),
    ),
    _vendor(
        "pubmed", "PubMed", ("NIHMS ID", "Journal/Book"), ",",
        keywords=(),
        journal=("Journal/Book",), source_id=("PMID",), database=(),
    ),
)

# fmt: on

GENERIC = Layout(
    name="generic",
    database=None,
    markers=frozenset(),
    columns=GENERIC_COLUMNS,
    author_sep=None,
    keywords=tuple((norm(c), s) for c, s in _GENERIC_KEYWORDS),
    refs=((norm("references"), "scopus"), (norm("cited references"), "scopus")),
)


def layout_for(columns: set[str]) -> Layout:
    """The vendor layout whose marker column is in the (normalised) header, else GENERIC."""
    for layout in VENDORS:
        if layout.markers & columns:
            return layout
    return GENERIC


def understood_names() -> str:
    """The generic column names, for error messages."""
    return (
        "title; author/authors; year/publication year/date; journal/source/container; volume; "
        "number/issue; pages or start/end page; doi; abstract; keywords; url; issn; isbn; pmid; "
        "language; type; id/key/record id (plus the Scopus, Embase, Cochrane CENTRAL, "
        "OpenAlex, Lens and PubMed export layouts)"
    )
