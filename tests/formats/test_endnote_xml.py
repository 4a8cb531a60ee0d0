"""EndNote XML reader: the real JabRef fixture, one-line files, and hostile or broken XML."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mnr.errors import FormatError
from mnr.formats import endnote_xml
from mnr.records import ParsedRecord
from tests.conftest import read_export
from tests.formats.test_bibtex import detected_name

SAMPLE = "jabref__EndnoteXmlImporterTestLabelAndMultiTitle.xml"
# file -> (records, records with an abstract, cited references) from exports/README.md
GOLDEN = {SAMPLE: (3, 0, 0)}


def _read(text: str) -> list[ParsedRecord]:
    return list(endnote_xml.read(text))


def _style(value: str, face: str = "normal") -> str:
    return f'<style face="{face}" font="default" size="100%">{value}</style>'


def test_golden_counts(exports: Path) -> None:
    assert {p.name for p in (exports / "endnote_xml").iterdir()} == set(GOLDEN)
    for name, (count, abstracts, refs) in GOLDEN.items():
        records = _read(read_export(exports / "endnote_xml" / name))
        assert len(records) == count
        assert sum(1 for r in records if r.abstract) == abstracts
        assert sum(len(r.cited_refs) for r in records) == refs


def test_detected_as_endnote_xml(exports: Path) -> None:
    assert detected_name(read_export(exports / "endnote_xml" / SAMPLE)) == "endnote_xml"


def test_sniff_claims_only_endnote_exports(exports: Path) -> None:
    for path in sorted(exports.rglob("*")):
        if path.is_file() and path.parent != exports:
            expected = path.parent.name == "endnote_xml"
            assert endnote_xml.sniff(read_export(path)) == expected, path


def test_jabref_fixture_fields(exports: Path) -> None:
    first, second, third = _read(read_export(exports / "endnote_xml" / SAMPLE))
    assert first.locator == "record 1" and third.locator == "record 3"
    assert first.title == (
        "An ecological basis for reforestation of submariginal lands in the Central Hardwood Region"
    )
    assert first.authors == ["Chapman, A. G."]
    assert (first.year, first.journal, first.volume, first.issue, first.pages) == (
        1937,
        "Ecology",
        "18",
        "1",
        "93-105",
    )
    assert first.issn == "0012-9658" and first.isbn is None  # ISSN kept in <isbn>
    assert first.pub_type == "Journal Article"
    assert first.fields["ref-type"] == "17"
    assert first.fields["ref-type@name"] == "Journal Article"
    assert first.source_id == "ISI:000200148800007"
    assert first.url == "<Go to ISI>://000200148800007"
    assert first.language == "English"
    assert first.source_database is None  # <database name> is the .enl file, not a database
    assert first.fields["notes"] == "some notes"
    assert first.fields["titles/alt-title"] == "Ecology"
    assert first.fields["alt-periodical/full-title"] == "Ecology"
    assert first.raw.startswith("<record>") and first.raw.endswith("</record>")

    assert second.pub_type == "Book" and second.fields["ref-type"] == "6"
    assert second.pages == "162-168"

    # a title in three <style> runs (the middle one italic), and a <label>
    assert third.title == (
        "A demographic study of the south polar skua Catharacta maccormicki at Cape Crozier"
    )
    assert third.authors == ["Ainley, D.G.", "Ribic, C.A.", "Wodd, R.C."]
    assert third.fields["contributors/authors/author"] == third.authors
    assert third.fields["label"] == "B4"
    assert (third.year, third.journal, third.issue) == (1990, "Journal of Animal Ecology", None)
    assert third.source_id == "650"  # no accession number: the EndNote record number
    assert third.url is None


def _one_line(*records: str) -> str:
    body = "".join(f"<record>{r}</record>" for r in records)
    return f'<?xml version="1.0" encoding="UTF-8" ?><xml><records>{body}</records></xml>'


def test_one_line_file_like_real_endnote() -> None:
    full = (
        "<database name='Lib.enl' path='C:/Lib.enl'>Lib.enl</database>"
        "<rec-number>7</rec-number>"
        "<ref-type name='Journal Article'>17</ref-type>"
        f"<contributors><authors><author>{_style('Smith, Jane')}</author>"
        f"<author>{_style('Doe, J.')}</author></authors></contributors>"
        f"<titles><title>{_style('Micro')}{_style('biology', 'italic')}{_style(' of soils')}"
        f"</title><secondary-title>{_style('Soil Biol')}</secondary-title></titles>"
        f"<pages>{_style('12–19')}</pages>"
        f"<dates><year>{_style('2019')}</year></dates>"
        f"<isbn>{_style('978-3-16-148410-0')}</isbn>"
        f"<electronic-resource-num>{_style('https://doi.org/10.1000/ABC.1')}"
        "</electronic-resource-num>"
        f"<abstract>{_style('An abstract &amp; more.')}</abstract>"
        f"<keywords><keyword>{_style('soil')}</keyword><keyword>{_style('microbes')}</keyword>"
        "</keywords>"
        f"<accession-num>{_style('31234567')}</accession-num>"
        f"<remote-database-name>{_style('PubMed')}</remote-database-name>"
        f"<remote-database-provider>{_style('NLM')}</remote-database-provider>"
        f"<urls><related-urls><url>{_style('internal-pdf://x.pdf')}</url>"
        f"<url>{_style('https://example.org/a')}</url></related-urls></urls>"
    )
    untitled = f"<ref-type name='Book'>6</ref-type><dates><year>{_style('2001')}</year></dates>"
    one, two = _read(_one_line(full, untitled))
    assert one.title == "Microbiology of soils"  # runs joined without spaces between them
    assert one.authors == ["Smith, Jane", "Doe, J."]
    assert (one.journal, one.pages, one.year) == ("Soil Biol", "12-19", 2019)
    assert one.isbn == "978-3-16-148410-0" and one.issn is None
    assert one.doi == "10.1000/abc.1"
    assert one.abstract == "An abstract & more."
    assert one.keywords == ["soil", "microbes"]
    assert (one.pmid, one.source_id, one.source_database) == ("31234567", "31234567", "PubMed")
    assert one.url == "https://example.org/a"
    assert one.fields["database@name"] == "Lib.enl"
    assert one.fields["keywords/keyword"] == ["soil", "microbes"]
    assert two.title is None and two.year == 2001 and two.locator == "record 2"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xml><records><record><titles><title>&lol9;</title></titles></record></records></xml>
"""


def test_billion_laughs_is_refused_quickly() -> None:
    assert endnote_xml.sniff(BILLION_LAUGHS)  # it is offered to this reader ...
    started = time.monotonic()
    with pytest.raises(FormatError, match="entity declarations") as info:
        _read(BILLION_LAUGHS)  # ... which refuses it without expanding anything
    assert "safety" in info.value.message
    assert time.monotonic() - started < 2


def test_external_entity_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    text = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE xml [<!ENTITY leak SYSTEM "{secret.as_uri()}">]>\n'
        "<xml><records><record><titles><title>&leak;</title></titles></record></records></xml>"
    )
    with pytest.raises(FormatError, match="safety") as info:
        _read(text)
    assert "TOP-SECRET" not in info.value.message


def test_external_dtd_is_not_fetched(tmp_path: Path) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "TOP-SECRET-CONTENT">', encoding="utf-8")
    text = (
        f'<?xml version="1.0"?>\n<!DOCTYPE xml SYSTEM "{dtd.as_uri()}">\n'
        "<xml><records><record><titles><title>&leak;</title></titles></record></records></xml>"
    )
    with pytest.raises(FormatError) as info:  # the entity stays undefined: nothing was loaded
        _read(text)
    assert "TOP-SECRET" not in info.value.message


def test_truncated_xml_names_the_line(exports: Path) -> None:
    text = read_export(exports / "endnote_xml" / SAMPLE)
    cut = text[: text.index("<record>", text.index("<record>") + 1) + 200]
    with pytest.raises(FormatError, match="broken or cut short") as info:
        _read(cut)
    assert info.value.locator is not None and info.value.locator.startswith("line ")
    assert int(info.value.locator.split()[1].rstrip(",")) == cut.count("\n") + 1


def test_not_endnote_and_empty() -> None:
    with pytest.raises(FormatError, match="not an EndNote XML export"):
        _read("<?xml version='1.0'?><PubmedArticleSet><x/></PubmedArticleSet>")
    with pytest.raises(FormatError, match="no records"):
        _read("<xml><records></records></xml>")
    with pytest.raises(FormatError, match="no <records>"):
        _read("<xml><other/></xml>")


def test_sniff() -> None:
    assert endnote_xml.sniff(_one_line("<rec-number>1</rec-number>"))
    assert endnote_xml.sniff("<xml>\n  <records>\n    <record>")
    assert not endnote_xml.sniff("<?xml version='1.0'?><PubmedArticleSet></PubmedArticleSet>")
    assert not endnote_xml.sniff("TY  - JOUR\nTI  - <xml><records>\nER  - \n")


def test_many_records_one_line() -> None:
    record = f"<titles><title>{_style('T')}</title></titles><dates><year>2001</year></dates>"
    records = _read(_one_line(*([record] * 5000)))
    assert len(records) == 5000 and records[-1].locator == "record 5000"
