"""Every export format on hostile values (commas, quotes, line breaks, non-ASCII, braces,
'&' and '<', a line that looks like a RIS tag), read back by the format's own reader:
rispy for RIS, bibtexparser for BibTeX, json for CSL-JSON, an XML parser (and mnr's
EndNote reader) for EndNote XML, csv and pandas for CSV."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import xml.etree.ElementTree as ET

import bibtexparser
import pytest
import rispy

from mnr.formats import csl_json, endnote_xml
from mnr.formats.writers import WRITERS, Found, _bib_value, one_line
from mnr.records import StoredRecord

TITLE = 'Care, "planning"\nand <recovery> & {braces} } 50% $x$ #1 _a_ ~^\\ café – ünï 中文'
ABSTRACT = "First line.\nER  - \nTY  - JOUR\nAU  - Injected, A.\n\tLast, with a tab & <b>."
DATABASES = ["MEDLINE", 'CINAHL, "EBSCOhost"; plus']


def _record(number: int = 1) -> StoredRecord:
    return StoredRecord(
        record_id=number, search_id=1, database=DATABASES[0], position=number,
        locator=f"line {number}", source_id="ACC&1", source_database=None, title=TITLE,
        authors=["O'Brien, Seán", "Smith J", "World Health Organization & <Partners>"],
        year=2016, journal="J. Health & <Care>, \"Mental\"", volume="16", issue="1",
        pages="147-152", doi="10.1000/a&b<c>", pmid="12345", issn="1471-244X", isbn=None,
        abstract=ABSTRACT, keywords=["care, planning", "recovery; hope", "naïve"],
        language="eng", pub_type="Journal Article",
        url="https://example.org/a?b=1&c={2}", cited_refs=[], work_id=7)


def _work() -> Found:
    return Found(_record(), DATABASES, ["R1", "R9"])


def _written(name: str) -> str:
    stream = io.StringIO()
    assert WRITERS[name]([_work(), _record(2)], stream) == 2
    return stream.getvalue()


def test_ris_reads_back_with_rispy() -> None:
    entries = rispy.loads(_written("ris"))
    assert len(entries) == 2  # the abstract's "ER  - " did not end the record
    work = entries[0]
    assert work["title"] == one_line(TITLE)
    assert work["abstract"] == one_line(ABSTRACT)
    assert work["authors"][0] == "O'Brien, Seán"
    assert work["doi"] == "10.1000/a&b<c>"
    assert work["name_of_database"] == "; ".join(DATABASES)
    assert "mnr work W7 (records R1, R9)" in work["notes"][0]
    assert DATABASES[1] in work["notes"][0]
    assert entries[1]["name_of_database"] == "MEDLINE"
    assert "mnr record R2" in entries[1]["notes"][0]


def test_bibtex_reads_back_with_bibtexparser() -> None:
    from bibtexparser.middlewares import LatexDecodingMiddleware

    text = _written("bibtex")
    raw = bibtexparser.parse_string(text)
    assert not raw.failed_blocks and len(raw.entries) == 2
    assert raw.entries[0]["title"] == _bib_value(TITLE)  # the field as written, whole
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    work = library.entries[0]
    # LaTeX decoded back to the text (pylatexenc drops \textbraceleft{}, the one LaTeX
    # spelling of a brace that keeps BibTeX's brace count whole, and spells ^ as ˆ)
    assert " ".join(work["title"].split()) == " ".join(
        TITLE.replace("{", "").replace("}", "").replace("^", "ˆ").split())
    assert raw.entries[0]["doi"] == "10.1000/a&b<c>"  # verbatim, as \doi prints it
    assert work["database"] == "; ".join(DATABASES)
    assert "W7" in work["note"]
    assert len({entry.key for entry in library.entries}) == 2


def test_csl_json_reads_back_with_json_and_mnr() -> None:
    text = _written("csljson")
    items = json.loads(text)
    assert [item["id"] for item in items] == ["W7", "R2"]
    assert items[0]["title"] == TITLE and items[0]["abstract"] == ABSTRACT
    assert items[0]["author"][:2] == [{"family": "O'Brien", "given": "Seán"},
                                      {"family": "Smith", "given": "J"}]
    assert items[0]["author"][2] == {"literal": "World Health Organization & <Partners>"}
    assert items[0]["source"] == "; ".join(DATABASES)
    again = list(csl_json.read(text))
    assert again[0].doi == "10.1000/a&b<c>" and again[0].authors[0] == "O'Brien, Seán"


def test_endnote_xml_reads_back_with_an_xml_parser_and_mnr() -> None:
    text = _written("endnote-xml")
    root = ET.fromstring(text)
    records = root.findall("records/record")
    assert len(records) == 2
    title = "".join(records[0].find("titles/title").itertext())  # type: ignore[union-attr]
    assert title == TITLE
    assert "".join(records[0].find("abstract").itertext()) == ABSTRACT  # type: ignore[union-attr]
    again = list(endnote_xml.read(text))
    assert again[0].doi == "10.1000/a&b<c>"
    assert again[0].source_database == "; ".join(DATABASES)
    assert again[0].authors[2] == "World Health Organization & <Partners>"
    assert again[0].journal == 'J. Health & <Care>, "Mental"'


def test_endnote_xml_drops_what_xml_cannot_hold() -> None:
    bad = dataclasses.replace(_record(), title="Bell\x07 and NUL\x00 here")
    stream = io.StringIO()
    WRITERS["endnote-xml"]([bad], stream)
    assert list(endnote_xml.read(stream.getvalue()))[0].title == "Bell and NUL here"


@pytest.mark.parametrize("name", ["csv", "json"])
def test_csv_and_json_read_back_with_their_readers(name: str) -> None:
    import pandas as pd

    text = _written(name)
    if name == "json":
        rows = json.loads(text)
        assert rows[0]["databases"] == DATABASES and rows[0]["records"] == ["R1", "R9"]
        assert rows[0]["title"] == TITLE
        return
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 2 and rows[0]["title"] == TITLE and rows[0]["abstract"] == ABSTRACT
    assert rows[0]["databases"] == "; ".join(DATABASES)
    assert rows[0]["records"] == "R1; R9" and rows[0]["work"] == "W7"
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert frame.shape[0] == 2 and frame.loc[0, "title"] == TITLE
