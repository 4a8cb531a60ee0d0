"""Every real export in ../shared/data/exports imports whole, through the normal import path.

Counts are the README's (records, with abstract, cited references). The
database is what the file itself says; where it says nothing (Google Scholar,
OpenAlex, some Ovid exports) the import asks for --database, as a librarian
would be asked, and the test gives it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mnr.errors import ImportRefused
from mnr.formats import get_reader
from mnr.library import Library
from mnr.searches import ImportOptions, export_text, import_file
from tests.helpers import make_project

# file: (format, records, with abstract, cited references, database the file names or None)
GOLDEN: dict[str, tuple[str, int, int, int, str | None]] = {
    "bibtex/pybibx__scopus_m.bib": ("bibtex", 24, 24, 0, "Scopus"),
    "bibtex/synthesisr__Scopus_bib_example.bib": ("bibtex", 3, 3, 0, "Scopus"),
    "csv/bibliometrix__lens_sample.csv": ("csv_table", 8, 8, 517, "Lens"),
    "csv/bibliometrix__openalex_sample.csv": ("csv_table", 8, 5, 0, "OpenAlex"),
    "csv/bibliometrix__scopus_sample.csv": ("csv_table", 8, 8, 381, "Scopus"),
    "csv/citation-file-formatting___baseline_cochrane.csv": (
        "csv_table", 3, 3, 0, "Cochrane CENTRAL"),
    "csv/citation-file-formatting___baseline_embase.csv": ("csv_table", 10, 8, 0, "Embase"),
    "endnote_xml/jabref__EndnoteXmlImporterTestLabelAndMultiTitle.xml": (
        "endnote_xml", 3, 0, 0, None),
    "json/colrev__10.2196_22081.json": ("crossref_json", 1, 1, 61, "Crossref"),
    "json/colrev__google_scholar.json": ("pop_json", 7, 7, 0, "Google Scholar"),
    "json/zotero-better-bibtex__csl_ordering.csl.json": ("csl_json", 26, 0, 0, "SAGE Journals"),
    "medline_nbib/colrev__eric_nbib.nbib": ("medline", 1, 1, 0, "ERIC"),
    "medline_nbib/jabref__NbibImporterTest.nbib": ("medline", 1, 1, 0, "PubMed"),
    "medline_nbib/synthesisr__PubMed_example.txt": ("medline", 3, 3, 0, "PubMed"),
    "ovid_tagged/commandline4expertsearchers__Embase_endnote_r3001-3002.cgi": (
        "ovid_tagged", 2, 2, 0, "Embase"),
    "ovid_tagged/jabref__OvidImporterTest4.txt": ("ovid_labelled", 1, 1, 108, None),
    "ris/asreview__ovid_psycinfo.ris": ("ris", 6, 6, 0, None),
    "ris/asreview__proquest.ris": ("ris", 6, 6, 0, "PTSDpubs"),
    "ris/asreview__scopus.ris": ("ris", 6, 6, 795, "Scopus"),
    "ris/citation-file-formatting___baseline_cinahl.ris": (
        "ris", 9, 9, 0, "Academic Search Premier"),
    "ris/citation-file-formatting___baseline_embase.ris": ("ris", 10, 8, 0, "Embase"),
    "ris/citation-file-formatting___baseline_eric_ovid.ris": ("ris", 10, 10, 0, "ERIC"),
    "ris/citation-file-formatting___baseline_googlescholar.ris": ("ris", 10, 0, 0, None),
    "ris/citation-file-formatting___baseline_openalex.ris": ("ris", 9, 9, 0, None),
    "ris/citation-file-formatting___baseline_webofscience.ris": (
        "ris", 10, 7, 0, "Web of Science"),
    "ris/citation-file-formatting___baseline_zotero.ris": ("ris", 10, 8, 0, None),
    "ris/colrev__abi_inform_proquest_ris.ris": (
        "ris", 2, 2, 0, "ProQuest Dissertations & Theses Global"),
    "ris/colrev__psycinfo_ris.ris": ("ris", 1, 1, 0, "PsycINFO"),
    "ris/synthesisr__ASP_ris_example.ris": ("ris", 4, 4, 0, "Academic Search Premier"),
    "ris/synthesisr__Ovid_ris_example.ris": ("ris", 4, 4, 0, None),
    "wos_plaintext/jabref__IsiImporterTestInspec.isi": ("wos_text", 2, 2, 0, "Inspec"),
    "wos_plaintext/rispy__example_wos.ris": ("wos_text", 2, 2, 145, "Web of Science"),
    "wos_plaintext/synthesisr__WoS_ciw_example.ciw": ("wos_text", 5, 5, 0, "Web of Science"),
    "wos_plaintext/wosfile__wos_plaintext.txt": ("wos_text", 50, 49, 2911, "Web of Science"),
    "wos_tabdelim/wosfile__wos_tab_delimited_win_utf8.txt": (
        "wos_tab", 50, 49, 2911, "Web of Science"),
}

# A JSON item or an XML <record> is complete, but a file holds it inside a list.
WRAP = {
    "csl_json": ("[", "]"),
    "pop_json": ("[", "]"),
    "endnote_xml": ("<xml><records>", "</records></xml>"),
}


def test_the_table_covers_every_export(exports: Path) -> None:
    files = {p.relative_to(exports).as_posix() for p in exports.rglob("*")
             if p.is_file() and p.name not in {"README.md", "MANIFEST.tsv"}}
    assert files == set(GOLDEN)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_real_export_imports_whole(exports: Path, tmp_path: Path, name: str) -> None:
    format_name, count, abstracts, refs, database = GOLDEN[name]
    project = make_project(tmp_path)
    library = Library.open(project.database_file)
    library.export_text = export_text(project)
    try:
        if database is None:
            with pytest.raises(ImportRefused, match="--database"):
                import_file(project, library, exports / name, ImportOptions())
            result = import_file(project, library, exports / name,
                                 ImportOptions(database="Named by the librarian"))
        else:
            result = import_file(project, library, exports / name, ImportOptions())
        records = list(library.records(with_source=True))
    finally:
        library.close()
    search = result.search
    assert search.format == format_name
    assert search.database == (database or "Named by the librarian")
    assert search.record_count == len(records) == count
    assert sum(1 for r in records if r.abstract) == abstracts
    assert sum(len(r.cited_refs) for r in records) == refs
    assert all(r.raw for r in records)
    reader = get_reader(format_name)
    if reader.RAW_IS_COMPLETE:  # nothing lost: each raw record reads back on its own
        before, after = WRAP.get(format_name, ("", ""))
        for record in records:
            [again] = list(reader.read(before + (record.raw or "") + after))
            assert (again.title, again.doi, again.year, again.authors) == (
                record.title, record.doi, record.year, record.authors)
    else:  # table rows: the field map is kept beside the raw row
        assert all(r.fields for r in records)
    assert all(r.title for r in records)  # every sample record has a title
    assert (project.searches_dir / Path(name).name).read_bytes() == (exports / name).read_bytes()
