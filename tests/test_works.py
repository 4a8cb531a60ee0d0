"""What `mnr export` writes: every record, or one merged record per work, and whether
some records are not in a work yet."""

from __future__ import annotations

from pathlib import Path

from mnr.dedupe.passes import deduplicate
from mnr.formats.writers import Found
from mnr.library import Library
from mnr.searches import export_text, withdraw
from mnr.works import to_export
from tests.helpers import import_text, make_project, ris_text

TITLES = ["Care planning in community mental health teams",
          "Recovery-oriented care coordination for adults with psychosis"]
ONLY_CINAHL = "Personalised care plans in child and adolescent services"


def test_records_or_merged_works_and_the_records_left_out(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    import_text(project, "medline.ris", ris_text(list(TITLES)), "MEDLINE")
    import_text(project, "cinahl.ris", ris_text([*TITLES, ONLY_CINAHL]), "CINAHL")
    library = Library.open(project.database_file)
    library.export_text = export_text(project)
    try:
        before = to_export(library, merged=True)
        assert before.not_deduplicated and list(before.records) == []
        deduplicate(library)
        works = to_export(library, merged=True)
        assert not works.not_deduplicated
        assert sorted((r.record.title, "; ".join(r.databases)) for r in works.records
                      if isinstance(r, Found)) == sorted(
            [(title, "CINAHL; MEDLINE") for title in TITLES] + [(ONLY_CINAHL, "CINAHL")])
        records = to_export(library, merged=False)
        assert not records.not_deduplicated and len(list(records.records)) == 5
        withdraw(project, library, 2, "exported with the wrong limits")
        assert len(list(to_export(library, merged=False).records)) == 2
        assert len(list(to_export(library, merged=False, include_withdrawn=True).records)) == 5
    finally:
        library.close()
