"""Related reports found by deduplication (an erratum in a later issue and the paper it
corrects) are suggested as reports of one study, and linked as acts when accepted."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import mnr, review  # noqa: F401  (the review fixture)

PAPER = "How do requirements evolve over time? A case study of enterprise software"
RIS = f"""\
TY  - JOUR
TI  - {PAPER}
AU  - Schneider, Stephan
AU  - Krcmar, Helmut
PY  - 2018
JO  - Journal of Information Technology
VL  - 33
IS  - 2
SP  - 151
EP  - 170
DO  - 10.1057/s41265-016-0001-y
ER  -

TY  - JOUR
TI  - Erratum to - {PAPER}
AU  - Schneider, Stephan
AU  - Krcmar, Helmut
PY  - 2018
JO  - Journal of Information Technology
VL  - 33
IS  - 4
SP  - 361
EP  - 362
DO  - 10.1057/s41265-017-0039-5
ER  -

TY  - JOUR
TI  - Crowdwork platforms and the governance of digital labour
AU  - Gol, Elham
PY  - 2019
JO  - Information Systems Journal
VL  - 29
SP  - 1
EP  - 20
ER  -
""".replace("ER  -\n", "ER  - \n")  # the end tag as databases write it


def test_an_erratum_is_suggested_then_linked_to_its_papers_study(review: Path) -> None:  # noqa: F811
    (review / "scopus.ris").write_text(RIS, encoding="utf-8")
    imported = mnr(review, "import", "scopus.ris", "--database", "Scopus")
    assert imported.returncode == 0, imported.stderr
    before = mnr(review, "studies", "suggest")  # nothing to suggest from before a pass
    assert before.returncode == 1 and "no deduplication pass yet" in before.stderr
    deduped = mnr(review, "dedupe")
    assert "1 related report (errata" in deduped.stderr
    works = {w["title"]: w["work"] for w in json.loads(mnr(review, "export", "json").stdout)}
    paper, erratum = works[PAPER], works[f"Erratum to - {PAPER}"]

    shown = json.loads(mnr(review, "studies", "suggest", "--json").stdout)
    assert [(s["report"], s["study"], s["linked"]) for s in shown] == [
        (erratum, paper, False)]
    assert "erratum" in shown[0]["reason"]
    assert json.loads(mnr(review, "studies", "--json").stdout) == []  # nothing linked yet

    accepted = mnr(review, "studies", "suggest", "--accept", "--reviewer", "R1")
    assert accepted.returncode == 0, accepted.stderr
    assert "Linked 1 related report" in accepted.stderr
    linked = json.loads(mnr(review, "studies", "--json").stdout)
    assert len(linked) == 1
    again = mnr(review, "studies", "suggest")
    assert "No suggestions" in again.stdout
    # the link is an act in the judgement logs, kept when the library is rebuilt
    logs = "".join(p.read_text() for p in (review / "judgements").rglob("*") if p.is_file())
    assert '"study-link"' in logs
