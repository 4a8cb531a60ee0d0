"""Related reports (an erratum, a reply) on a real library: logged with their paper by a
pass, shown by `mnr dedupe`, their records kept in works of their own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mnr.dedupe import passes
from mnr.library import Library
from mnr.project import Project
from tests.helpers import import_text, make_project

DATA = Path(__file__).parent / "data"  # a paper and another (MEDLINE), the first's erratum (WoS)


def _project(tmp_path: Path) -> Project:
    project = make_project(tmp_path)
    import_text(project, "medline.ris", (DATA / "related-medline.ris").read_text(), "MEDLINE")
    import_text(project, "wos.ris", (DATA / "related-wos.ris").read_text(), "Web of Science")
    return project


def test_a_pass_logs_the_erratum_with_its_paper_in_its_own_work(tmp_path: Path) -> None:
    library = Library.open(_project(tmp_path).database_file)
    try:
        result = passes.deduplicate(library)
        assert (result.related_pairs, result.duplicate_pairs, result.review_pairs) == (1, 0, 0)
        [pair] = library.works.current_pairs(verdict="related")
        assert (pair.record_a, pair.record_b) == (1, 3)
        assert pair.reason.startswith("related report (erratum)")
        works = library.works.memberships()
        assert len(set(works.values())) == 3  # counted apart, as the labelled sets count it
        assert library.works.current_pairs(verdict="review") == []  # nothing to decide
    finally:
        library.close()


def test_mnr_dedupe_says_how_many_related_reports_it_logged(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "mnr", "dedupe"], cwd=_project(tmp_path).root,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert ("1 related report (errata, replies, retractions, reprints) logged with their "
            "papers: `mnr studies suggest`") in " ".join(result.stderr.split())
