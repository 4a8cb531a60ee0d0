"""The library is a cache of the review folder: deleted, it is rebuilt from the search log,
the exports and the judgement logs byte for byte as every command shows it; and whatever
happens between a judgement line and the library's COMMIT (a write that fails, a crash,
a sync bringing lines in any order, a file checked out older, a line half written), the
next opening ends with the lines in judgements/ and the acts in the library agreeing.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mnr import review
from mnr.cli import main
from mnr.dedupe.passes import deduplicate
from mnr.errors import MnrError
from mnr.library import Library
from mnr.library import acts as acts_module
from mnr.library.acts import JUDGEMENT_KEYS
from mnr.project import Project
from mnr.screening.decide import decide
from mnr.screening.state import load
from mnr.searches import ImportOptions, import_file
from tests.helpers import make_project

REPO = Path(__file__).resolve().parents[1]


# -- running mnr as a person would ------------------------------------------------------

def mnr(root: Path, *args: str) -> Result:
    """One command, run in the review folder ``root``; it must succeed."""
    result = run(root, *args)
    assert result.exit_code == 0, (args, result.output, result.stderr)
    return result


def run(root: Path, *args: str) -> Result:
    with contextlib.chdir(root):
        return CliRunner().invoke(main, list(args), env={"MNR_REVIEWER": None})


VIEWS: list[tuple[str, ...]] = [
    ("status", "--json"),
    ("prisma", "--format", "json"),
    ("agreement", "--stage", "title", "--json"),
    ("agreement", "--stage", "abstract", "--json"),
    ("conflicts", "--stage", "title", "--json"),
    ("decisions", "export"),
    ("appraisal", "export"),
    ("appraisal", "compare", "--json"),
    ("appraisal", "summary", "--json"),
    ("extraction", "export", "--format", "csv"),
    ("synthesis", "export"),
    ("dedupe", "--pairs", "--json"),
    ("export", "csv"),  # every record with its work: the W numbers
    ("memo", "list"),
    ("traditions", "--json"),
    ("traditions", "theme", "list"),
    ("traditions", "concepts", "--json"),
    ("traditions", "matrix", "--json"),
    ("memo", "list", "--format", "json"),
    ("studies", "--json"),
]


# The table each act makes a row in (an undone pass marks its pass's row).
TABLE_OF = {"screen": "screening_log", "pair": "dedupe_decisions", "dedupe": "dedupe_runs",
            "fulltext": "fulltexts", "appraisal": "appraisals",
            "appraisal-consensus": "appraisal_consensus", "extraction": "extractions",
            "tag": "work_tags", "tradition": "traditions", "theme": "themes", "memo": "memos",
            "stop": "screening_stops", "concept": "concept_links",
            "study-link": "study_links", "remove": "removals"}


def views(root: Path) -> dict[str, str]:
    """What every read-only command prints (stdout), by command."""
    return {" ".join(args): mnr(root, *args).stdout for args in VIEWS}


def delete_library(root: Path) -> None:
    shutil.rmtree(root / "library")


# -- the folder and the cache agree ------------------------------------------------------

def lines_of(root: Path) -> dict[str, dict[str, object]]:
    """Every judgement line in the folder, by id."""
    found: dict[str, dict[str, object]] = {}
    for path in sorted((root / "judgements").glob("*.jsonl")):
        for raw in path.read_text("utf-8").splitlines():
            if raw.strip():
                line = json.loads(raw)
                assert line["id"] not in found, f"{line['id']} twice"
                found[line["id"]] = line
    return found


def lines_of_allowing_twice(root: Path) -> set[str]:
    """The ids of every judgement line in the folder, a line there twice counted once."""
    return {json.loads(raw)["id"] for path in (root / "judgements").glob("*.jsonl")
            for raw in path.read_text("utf-8").splitlines() if raw.strip()}


def noted(root: Path) -> dict[str, str]:
    """The lines the library has applied: line id -> the file it came from."""
    library = Library.open(root / "library" / "library.sqlite")
    try:
        with library.engine.connect() as conn:
            return dict(conn.exec_driver_sql("SELECT line_id, source FROM journal").all())
    finally:
        library.close()


def rows(root: Path) -> dict[str, int]:
    """How many rows each table of acts holds."""
    library = Library.open(root / "library" / "library.sqlite")
    try:
        with library.engine.connect() as conn:
            return {table: conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
                    for table in JUDGEMENT_KEYS}
    finally:
        library.close()


def agreeing(root: Path) -> None:
    """Every line in judgements/ is applied in the library, from the file it is in, and the
    library has applied no line the folder lacks; every act has its line."""
    folder = lines_of(root)
    applied = noted(root)
    assert set(applied) == set(folder)
    for line_id, line in folder.items():
        by = line.get("by")
        assert applied[line_id] == (f"{by}.jsonl" if by else "team.jsonl")
    library = Library.open(root / "library" / "library.sqlite")
    try:
        with library.engine.connect() as conn:
            assert acts_module.unjournalled(conn) == {}
    finally:
        library.close()


def opened(root: Path) -> list[str]:
    """Open the review as every command does; what was done to bring it in line."""
    result = review.open_review(Project(root))
    result.library.close()
    return result.reconciled


# -- reviews to replay ----------------------------------------------------------------------

def demo(tmp_path: Path) -> Path:
    """mnr's own demo review, as a clone has it: no library."""
    root = tmp_path / "demo"
    root.mkdir()
    shutil.copy(REPO / "review.toml", root)
    shutil.copytree(REPO / "searches", root / "searches")
    shutil.copytree(REPO / "judgements", root / "judgements")
    return root


Paper = dict[str, str | list[str]]  # RIS tag -> value(s)


def _ris(papers: list[Paper]) -> str:
    blocks = []
    for paper in papers:
        lines = ["TY  - JOUR"]
        for tag, value in paper.items():
            lines += [f"{tag}  - {item}" for item in ([value] if isinstance(value, str)
                                                       else value)]
        blocks.append("\n".join([*lines, "ER  - "]))
    return "\n\n".join(blocks) + "\n"


SIMPSON: Paper = {
    "AU": ["Simpson, A.", "Hannigan, B."],
    "TI": "Care planning in community mental health teams: a qualitative study",
    "JO": "Journal of Mental Health", "PY": "2016", "VL": "25", "SP": "210", "EP": "218",
    "DO": "10.1000/care"}
ROSE: Paper = {
    "AU": "Rose, D.", "TI": "Service user involvement in care programme approach reviews",
    "JO": "Health and Social Care in the Community", "PY": "2003", "VL": "11", "SP": "40",
    "EP": "49", "DO": "10.1000/user"}
COFFEY: Paper = {  # no journal, no pages: a near title of it is only perhaps the same
    "AU": ["Coffey, M.", "Jones, A."], "PY": "2014",
    "TI": "Care coordination in community mental health teams reduces readmission of "
          "adults with psychosis"}
HUXLEY: Paper = {
    "AU": ["Huxley, P.", "Evans, S."], "PY": "2012",
    "TI": "Personalised budgets and the care programme approach improve recovery in "
          "community mental health services"}
BOWERS: Paper = {
    "AU": "Bowers, L.", "TI": "Inpatient ward rounds and discharge planning",
    "JO": "Nursing Times", "PY": "2010", "VL": "106", "SP": "1", "EP": "5",
    "DO": "10.1000/ward"}
TYRER: Paper = {
    "AU": "Tyrer, P.", "TI": "A randomised trial of case management for severe mental illness",
    "JO": "Lancet", "PY": "1995", "VL": "345", "SP": "739", "EP": "743", "DO": "10.1000/case"}
CARERS: Paper = {
    "AU": "Jones, A.", "TI": "Carers' experiences of care planning in community mental health",
    "JO": "Journal of Psychiatric and Mental Health Nursing", "PY": "2015", "VL": "22",
    "SP": "300", "EP": "309", "DO": "10.1000/carers"}
MEDLINE = _ris([SIMPSON, ROSE, COFFEY, HUXLEY, BOWERS, TYRER])  # R1-R6
CINAHL = _ris([  # R7-R11: R7, R8 the same as R1, R2; R9, R10 perhaps R3, R4; R11 new
    {**SIMPSON, "JO": "J Ment Health"}, {**ROSE, "JO": "Health Soc Care Community"},
    {**COFFEY, "TI": "Care coordination by community mental health teams lessens the "
     "readmission of adults with psychoses"},
    {**HUXLEY, "TI": "Personalized budgets with the care programme approach improves "
     "recovery in community mental health service"},
    CARERS])
REVIEWERS = 'reviewers = ["BH", "MC"]'


def new_review(tmp_path: Path, name: str = "review") -> Path:
    """A review with two reviewers and its two exports imported (nothing judged yet)."""
    project = make_project(tmp_path / name)
    text = project.review_file.read_text("utf-8").replace('reviewers = ["R1"]', REVIEWERS)
    project.review_file.write_text(text, "utf-8")
    for file_name, text, database in [("medline.ris", MEDLINE, "MEDLINE"),
                                      ("cinahl.ris", CINAHL, "CINAHL")]:
        path = tmp_path / name / file_name
        path.write_text(text, "utf-8")
        mnr(project.root, "import", str(path), "--database", database)
    return project.root


def work_of(root: Path, record: int) -> str:
    """The work a record is in now, as people type it (W3)."""
    library = Library.open(root / "library" / "library.sqlite")
    try:
        return f"W{library.works.memberships()[record]}"
    finally:
        library.close()


def judge_everything(root: Path) -> None:
    """Every kind of act there is, through the CLI: a pass, pair decisions (a merge, a keep
    apart taken back and decided again), a pass undone and run again, a split, screening at
    every stage (disagreements, an undo, a resolution), full texts, appraisals, extractions,
    tags, a tradition, themes, memos and a decision to stop screening a stage."""
    mnr(root, "dedupe")
    pairs = json.loads(mnr(root, "dedupe", "--pairs", "--json").stdout)
    assert sorted((p["record_a"], p["record_b"]) for p in pairs) == [("R3", "R9"), ("R4", "R10")]
    mnr(root, "dedupe", "--decide", "R3", "R9", "merge", "--reviewer", "BH")
    mnr(root, "dedupe", "--decide", "R4", "R10", "merge", "--reviewer", "MC")
    mnr(root, "dedupe", "--undo", "--reviewer", "MC")
    mnr(root, "dedupe", "--decide", "R4", "R10", "apart", "--reviewer", "MC")
    mnr(root, "dedupe", "--undo")
    mnr(root, "dedupe")
    mnr(root, "dedupe", "--split", work_of(root, 2), "--reviewer", "BH")  # Rose: R2, R8 apart
    works = {name: work_of(root, record) for name, record in [
        ("simpson", 1), ("rose", 2), ("rose2", 8), ("coffey", 3), ("huxley", 4),
        ("huxley2", 10), ("bowers", 5), ("tyrer", 6), ("carers", 11)]}
    assert len(set(works.values())) == 9
    # removed before screening by mistake, and put back
    mnr(root, "remove", works["bowers"], "--reason", "retracted", "--reviewer", "BH")
    mnr(root, "remove", works["bowers"], "--undo", "--reviewer", "BH")
    title = {"simpson": ("y", "y"), "rose": ("y", "m"), "rose2": ("n", "n"),
             "coffey": ("y", "n"), "huxley": ("y", "y"), "huxley2": ("n", "y"),
             "bowers": ("n", "n"), "tyrer": ("n", "m"), "carers": ("y", "y")}
    for name, (bh, mc) in title.items():
        mnr(root, "decide", works[name], bh, "--stage", "title", "--reviewer", "BH")
        mnr(root, "decide", works[name], mc, "--stage", "title", "--reviewer", "MC")
    mnr(root, "undo", "--stage", "title", "--reviewer", "MC")  # MC takes back carers
    mnr(root, "decide", works["carers"], "y", "--stage", "title", "--reviewer", "MC",
        "--note", "Carers are in scope")
    mnr(root, "resolve", works["coffey"], "y", "--stage", "title", "--reviewer", "BH",
        "--reason", "Discussed: community sample")
    mnr(root, "resolve", works["huxley2"], "n", "--stage", "title", "--reviewer", "MC",
        "--reason", "A conference abstract of W-huxley")
    for name in ("simpson", "rose", "coffey", "huxley", "carers", "tyrer"):
        for reviewer in ("BH", "MC"):
            decision = "n" if name == "tyrer" else "y"
            mnr(root, "decide", works[name], decision, "--stage", "abstract", "--reviewer",
                reviewer)
    mnr(root, "stop", "--stage", "abstract", "--reviewer", "BH", "--note", "All screened")
    mnr(root, "fulltext", "attach", works["simpson"], "https://doi.org/10.1000/care",
        "--reviewer", "BH")
    mnr(root, "fulltext", "attach", works["carers"], "https://doi.org/10.1000/carers",
        "--reviewer", "MC")
    for name, decision in [("simpson", "y"), ("carers", "y"), ("coffey", "y"),
                           ("huxley", "n"), ("rose", "n")]:
        for reviewer in ("BH", "MC"):
            extra = ["--reason", "Wrong setting"] if decision == "n" else []
            mnr(root, "decide", works[name], decision, "--stage", "fulltext", "--reviewer",
                reviewer, *extra)
    mnr(root, "appraisal", "set", works["simpson"], "--checklist", "casp-qualitative",
        "--answer", "1=yes", "--answer", "4=cant_tell:recruitment unclear", "--commentary",
        "Clear aims", "--reviewer", "BH")
    mnr(root, "appraisal", "set", works["carers"], "--checklist", "casp-qualitative",
        "--answer", "1=no:no aims stated", "--reviewer", "MC")
    mnr(root, "appraisal", "set", works["simpson"], "--checklist", "casp-qualitative",
        "--answer", "1=yes", "--answer", "4=no:purposive, not explained", "--reviewer", "MC")
    mnr(root, "appraisal", "consensus", works["simpson"], "--answer", "4=cant_tell:agreed",
        "--reviewer", "BH")
    mnr(root, "extraction", "set", works["simpson"], "--field", "Setting=Community teams",
        "--field", "Country=UK", "--reviewer", "BH")
    mnr(root, "extraction", "set", works["simpson"], "--field", "Country=UK (Wales)",
        "--reviewer", "MC")
    mnr(root, "traditions", "create", "Carers' perspectives", "--description",
        "Care planning as carers see it", "--method", "interviews", "--concept",
        "carer involvement", "--theory", "Caring as unpaid work")
    mnr(root, "traditions", "tag", works["carers"], "Carers' perspectives", "--method",
        "qualitative", "--country", "UK", "--reviewer", "MC")
    mnr(root, "traditions", "tag", works["simpson"], "Carers' perspectives", "--country",
        "Australia", "--reviewer", "BH")
    mnr(root, "traditions", "tag", works["simpson"], "--country", "UK", "--reviewer", "BH")
    mnr(root, "traditions", "theme", "add", "Carers' perspectives", "Carers felt left out",
        "--negative", "--works", f"{works['carers']},{works['simpson']}", "--reviewer", "MC",
        "--topic", "involvement")
    mnr(root, "traditions", "concept", "carer involvement", works["carers"], works["simpson"],
        "--reviewer", "MC")
    mnr(root, "traditions", "concept", "carer involvement", works["simpson"], "--remove",
        "--reviewer", "BH")
    mnr(root, "traditions", "concept", "caring as unpaid work", works["carers"],
        "--reviewer", "BH")
    # Rose's paper and Coffey's report one study with Simpson's; Coffey's taken back
    mnr(root, "studies", "link", works["simpson"], works["rose"], works["coffey"],
        "--reviewer", "BH")
    mnr(root, "studies", "unlink", works["coffey"], "--reviewer", "MC")
    mnr(root, "memo", "add", "Adults only, as the protocol says", "--author", "BH")
    mnr(root, "memo", "add", "Kept: the sample is mostly community", "--work",
        works["coffey"], "--author", "MC")
    mnr(root, "memo", "add", "Carers read as a tradition of their own", "--tradition",
        "Carers' perspectives", "--author", "BH", "--type", "decision")
    mnr(root, "memo", "add", "As nurses we expected carers to be heard", "--author", "MC",
        "--type", "reflexive")


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rich review, judged (built once; each test works on a copy)."""
    root = new_review(tmp_path_factory.mktemp("judged"))
    judge_everything(root)
    return root


def copy_of(root: Path, tmp_path: Path, name: str = "copy") -> Path:
    target = tmp_path / name
    shutil.copytree(root, target)
    return target


# -- (1) byte-identical after deleting library/ ----------------------------------------

def test_the_demo_is_the_same_after_deleting_its_library(tmp_path: Path) -> None:
    root = demo(tmp_path)
    built = views(root)  # first use: built from the folder
    assert json.loads(built["status --json"])["records"] == 215
    # more acts, made in this library (written to judgements/ as they are made)
    mnr(root, "memo", "add", "Checked the flow against the seed paper", "--author", "MC")
    mnr(root, "traditions", "tag", "W1", "--country", "Wales", "--reviewer", "BH")
    later = views(root)
    assert later["memo list"] != built["memo list"]
    assert later["synthesis export"] != built["synthesis export"]
    delete_library(root)
    assert views(root) == later
    agreeing(root)
    delete_library(root)
    for name in ("BH.jsonl", "MC.jsonl"):  # as the demo ships
        shutil.copy(REPO / "judgements" / name, root / "judgements" / name)
    assert views(root) == built


def test_a_judged_review_is_the_same_after_deleting_its_library(judged: Path,
                                                                tmp_path: Path) -> None:
    root = copy_of(judged, tmp_path)
    deduplicated = mnr(root, "dedupe", "--json").stdout  # one more pass: nothing changes
    before = views(root)
    counts = rows(root)
    assert all(counts[table] for table in JUDGEMENT_KEYS), counts  # every kind of act
    acts = Counter(line["act"] for line in lines_of(root).values())
    assert {TABLE_OF[act]: n for act, n in acts.items() if act in TABLE_OF} == counts
    assert acts["dedupe-undo"] == 1
    delete_library(root)
    after = views(root)
    assert [command for command, output in before.items() if after[command] != output] == []
    assert rows(root) == counts
    agreeing(root)
    assert mnr(root, "dedupe", "--json").stdout == deduplicated


# -- (2) faults ---------------------------------------------------------------------------

def _refuse_logs(real: object) -> object:
    def refusing(path: object, *args: object, **kwargs: object) -> int:
        if str(path).endswith(".jsonl"):
            raise OSError(28, "No space left on device")
        return real(path, *args, **kwargs)  # type: ignore[operator]
    return refusing


@pytest.mark.parametrize(("command", "file_name"), [
    (("memo", "add", "A memo that cannot be kept", "--author", "BH"), "BH.jsonl"),
    (("decide", "W1", "n", "--stage", "title", "--reviewer", "MC"), "MC.jsonl"),
    (("dedupe",), "team.jsonl"),
    (("dedupe", "--decide", "R4", "R10", "merge", "--reviewer", "BH"), "BH.jsonl"),
])
def test_a_judgement_file_that_cannot_be_written_saves_nothing_and_says_which(
        judged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        command: tuple[str, ...], file_name: str) -> None:
    root = copy_of(judged, tmp_path)
    if command == ("dedupe",):  # a pass that changes nothing is not logged: make one that does
        mnr(root, "dedupe", "--undo")
    before = (rows(root), views(root), lines_of(root))
    monkeypatch.setattr(os, "open", _refuse_logs(os.open))
    result = run(root, *command)
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert (f"error: {root / 'judgements' / file_name}: could not be written (No space left "
            "on device); nothing was saved") in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
    assert (rows(root), views(root), lines_of(root)) == before
    agreeing(root)


CRASH = """
import os, sys
from mnr.journal import Journal
append = Journal.append
def crash(self, lines):
    append(self, lines)
    os._exit(9)  # killed between the judgement line and COMMIT: no rollback, no clean-up
Journal.append = crash
from mnr.cli import main
os.chdir(sys.argv[1])
main(sys.argv[2:])
"""


def test_a_crash_after_the_line_before_commit_is_applied_once_at_the_next_opening(
        judged: Path, tmp_path: Path) -> None:
    root = copy_of(judged, tmp_path)
    counts, before = rows(root), lines_of(root)
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH, str(root), "memo", "add", "Written, never committed",
         "--author", "MC"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert crashed.returncode == 9, crashed.stderr
    [new] = [line for line_id, line in lines_of(root).items() if line_id not in before]
    assert (new["act"], new["by"], new["text"]) == ("memo", "MC", "Written, never committed")
    assert rows(root) == counts  # the library never saw it
    assert opened(root) == ["Applied 1 new judgement lines from judgements/ (MC)"]
    assert rows(root) == {**counts, "memos": counts["memos"] + 1}
    assert opened(root) == []  # once
    assert "Written, never committed" in mnr(root, "memo", "list").stdout
    agreeing(root)


def test_an_exception_after_the_line_before_commit_is_applied_once_by_the_next_command(
        judged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_of(judged, tmp_path)
    counts = rows(root)

    def fail(*_args: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(acts_module, "_advance", fail)  # right after journal.append
    result = run(root, "dedupe", "--decide", "R4", "R10", "merge", "--reviewer", "BH")
    monkeypatch.undo()
    assert result.exit_code != 0 and isinstance(result.exception, OSError)
    assert rows(root) == counts  # rolled back
    [last] = (root / "judgements" / "BH.jsonl").read_text("utf-8").splitlines()[-1:]
    assert json.loads(last)["act"] == "pair"
    pairs = mnr(root, "dedupe", "--json")  # the next command: applied first, then a pass
    assert "Applied 1 new judgement lines from judgements/ (BH)" in pairs.stderr
    assert rows(root)["dedupe_decisions"] == counts["dedupe_decisions"] + 1
    assert json.loads(pairs.stdout)["pairs_to_review"] == 0
    assert work_of(root, 4) == work_of(root, 10)  # the merge holds
    assert "Applied" not in mnr(root, "status").stderr
    agreeing(root)


# A review deduplicated and not screened yet, and what two people then do in copies of it.

@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = new_review(tmp_path_factory.mktemp("base"))
    mnr(root, "dedupe")
    return root


def screen_in_turn(root: Path) -> None:
    """BH and MC screen titles (an undo, a conflict, its resolution); MC's last decisions
    come after BH's resolution."""
    for work, decision in [("W1", "y"), ("W2", "n"), ("W3", "y"), ("W5", "n")]:
        mnr(root, "decide", work, decision, "--stage", "title", "--reviewer", "BH")
    mnr(root, "undo", "--stage", "title", "--reviewer", "BH")
    mnr(root, "decide", "W5", "m", "--stage", "title", "--reviewer", "BH")
    for work, decision in [("W1", "y"), ("W2", "n"), ("W3", "n")]:
        mnr(root, "decide", work, decision, "--stage", "title", "--reviewer", "MC")
    mnr(root, "resolve", "W3", "y", "--stage", "title", "--reviewer", "BH", "--reason",
        "Discussed")
    mnr(root, "decide", "W5", "y", "--stage", "title", "--reviewer", "MC")
    mnr(root, "traditions", "tag", "W1", "--country", "UK", "--reviewer", "MC")


def arrive(source: Path, target: Path, *names: str) -> None:
    """Judgement files copied in, as a sync or a pull brings them."""
    (target / "judgements").mkdir(exist_ok=True)
    for name in names:
        shutil.copy(source / "judgements" / name, target / "judgements" / name)


def test_lines_from_another_machine_are_applied_once_in_any_order(
        base: Path, tmp_path: Path) -> None:
    made = copy_of(base, tmp_path, "made")  # where the acts were made
    screen_in_turn(made)
    expected = views(made)
    assert ",resolution," in expected["decisions export"]
    counts = {name: len((made / "judgements" / name).read_text("utf-8").splitlines())
              for name in ("BH.jsonl", "MC.jsonl")}
    assert counts == {"BH.jsonl": 7, "MC.jsonl": 5}
    for order in (["BH.jsonl", "MC.jsonl"], ["MC.jsonl", "BH.jsonl"]):
        root = copy_of(base, tmp_path, "-".join(order))
        for name in order:
            arrive(made, root, name)
            assert opened(root) == [f"Applied {counts[name]} new judgement lines from "
                                    f"judgements/ ({name.removesuffix('.jsonl')})"]
        arrive(made, root, "BH.jsonl", "MC.jsonl")  # the same lines again
        assert opened(root) == []
        assert rows(root)["screening_log"] == 11 and rows(root)["work_tags"] == 1
        got = views(root)
        # the outcomes, counts and agreement are those of the library they were made in
        assert [command for command, output in expected.items() if got[command] != output
                and command != "decisions export"] == [], order
        assert log_rows(got) == log_rows(expected)
        agreeing(root)
    together = copy_of(base, tmp_path, "together")
    arrive(made, together, "MC.jsonl", "BH.jsonl")
    assert opened(together) == ["Applied 12 new judgement lines from judgements/ (BH, MC)"]
    assert views(together) == expected  # all at once: in the order they were written
    agreeing(together)


def log_rows(shown: dict[str, str]) -> list[str]:
    """The screening log's rows without their E numbers and the E numbers undos name (they
    count in the order the library applied the lines)."""
    rows = [row.split(",") for row in shown["decisions export"].splitlines()[1:]]
    return sorted(",".join(row[1:9] + row[10:]) for row in rows)


@pytest.mark.parametrize("when", [
    "read before",
    "new",
    "rebuilt",
])
def test_the_same_lines_twice_in_a_file_are_applied_once(
        base: Path, tmp_path: Path, when: str) -> None:
    """A merge can bring a line twice (the same commit cherry-picked, two copies of one
    file joined): it is applied once, whether the library read it before or not."""
    made = copy_of(base, tmp_path, "made")
    screen_in_turn(made)
    expected = views(made)
    doubled = (made / "judgements" / "MC.jsonl").read_bytes() * 2
    root = copy_of(base, tmp_path, "copy")
    arrive(made, root, "BH.jsonl", *(["MC.jsonl"] if when == "read before" else []))
    opened(root)
    (root / "judgements" / "MC.jsonl").write_bytes(doubled)
    if when == "rebuilt":
        delete_library(root)
    said = opened(root)
    assert said == {"read before": [], "rebuilt": [],
                    "new": ["Applied 5 new judgement lines from judgements/ (MC)"]}[when]
    assert rows(root)["screening_log"] == 11 and rows(root)["work_tags"] == 1
    got = views(root)
    assert [command for command, output in expected.items() if got[command] != output
            and command != "decisions export"] == []
    assert log_rows(got) == log_rows(expected)
    assert set(noted(root)) == set(lines_of_allowing_twice(root))


def test_lines_arriving_out_of_order_give_the_state_they_were_made_in(
        base: Path, tmp_path: Path) -> None:
    made = copy_of(base, tmp_path, "made")
    screen_in_turn(made)
    mnr(made, "dedupe", "--decide", "R3", "R9", "merge", "--reviewer", "BH")
    mnr(made, "traditions", "tag", "W2", "--country", "UK", "--reviewer", "BH")
    mnr(made, "dedupe", "--decide", "R3", "R9", "apart", "--reviewer", "MC")  # MC's stands
    mnr(made, "traditions", "tag", "W2", "--country", "Australia", "--reviewer", "MC")
    assert work_of(made, 3) != work_of(made, 9)
    expected = views(made)
    root = copy_of(base, tmp_path, "late")
    arrive(made, root, "MC.jsonl")
    opened(root)
    arrive(made, root, "BH.jsonl")  # BH's lines were written before MC's last ones
    opened(root)
    rebuilt = copy_of(root, tmp_path, "rebuilt")
    delete_library(rebuilt)
    assert views(rebuilt) == expected  # the folder is right
    got = views(root)
    assert [command for command in expected if got[command] != expected[command]] == []


def test_a_judgement_file_shortened_or_removed_rebuilds_the_library_saying_so(
        base: Path, tmp_path: Path) -> None:
    root = copy_of(base, tmp_path)
    for work in ("W1", "W2"):
        mnr(root, "decide", work, "y", "--stage", "title", "--reviewer", "BH")
    older = (root / "judgements" / "BH.jsonl").read_bytes()  # a commit made here
    expected = views(root)
    mnr(root, "decide", "W3", "n", "--stage", "title", "--reviewer", "BH")
    mnr(root, "memo", "add", "Screening under way", "--author", "BH")
    mnr(root, "decide", "W1", "y", "--stage", "title", "--reviewer", "MC")
    with_mc = views(root)
    assert rows(root)["screening_log"] == 4 and rows(root)["memos"] == 1
    (root / "judgements" / "BH.jsonl").write_bytes(older)  # git checkout of that commit
    assert opened(root) == ["judgements/BH.jsonl no longer has 2 lines the library applied: "
                            "rebuilt the library from the review folder"]
    assert rows(root)["screening_log"] == 3 and rows(root)["memos"] == 0
    assert views(root)["memo list"] == expected["memo list"]
    assert views(root)["decisions export"] != with_mc["decisions export"]
    agreeing(root)
    (root / "judgements" / "MC.jsonl").unlink()
    assert opened(root) == ["judgements/MC.jsonl is gone: rebuilt the library from the "
                            "review folder"]
    assert rows(root)["screening_log"] == 2
    assert views(root) == expected
    assert opened(root) == []
    agreeing(root)


def test_a_judgement_file_rewritten_longer_rebuilds_the_library(
        base: Path, tmp_path: Path) -> None:
    """Another history of the file (a reset and new work, pulled): longer than what was
    read, but not what was read."""
    root = copy_of(base, tmp_path)
    mnr(root, "decide", "W1", "y", "--stage", "title", "--reviewer", "BH")
    older = (root / "judgements" / "BH.jsonl").read_bytes()
    mnr(root, "decide", "W2", "y", "--stage", "title", "--reviewer", "BH")
    elsewhere = copy_of(base, tmp_path, "elsewhere")
    (elsewhere / "judgements" / "BH.jsonl").write_bytes(older)
    for work in ("W3", "W4", "W5"):
        mnr(elsewhere, "decide", work, "n", "--stage", "title", "--reviewer", "BH")
    shutil.copy(elsewhere / "judgements" / "BH.jsonl", root / "judgements" / "BH.jsonl")
    assert opened(root) == ["judgements/BH.jsonl no longer has 1 lines the library applied: "
                            "rebuilt the library from the review folder"]
    assert views(root) == views(elsewhere)
    assert rows(root)["screening_log"] == 4
    agreeing(root)


def test_a_line_cut_short_waits_until_it_is_whole(base: Path, tmp_path: Path) -> None:
    made = copy_of(base, tmp_path, "made")
    mnr(made, "decide", "W1", "y", "--stage", "title", "--reviewer", "MC")
    mnr(made, "decide", "W2", "n", "--stage", "title", "--reviewer", "MC")
    whole = (made / "judgements" / "MC.jsonl").read_bytes()
    first_line_ends = whole.index(b"\n") + 1
    root = copy_of(base, tmp_path)
    synced = root / "judgements" / "MC.jsonl"
    for cut in (first_line_ends - 30, first_line_ends + 25):  # a sync in progress
        synced.write_bytes(whole[:cut])
        assert opened(root) == ([] if cut < first_line_ends else
                                ["Applied 1 new judgement lines from judgements/ (MC)"])
        assert opened(root) == []
    assert rows(root)["screening_log"] == 1
    synced.write_bytes(whole)
    assert opened(root) == ["Applied 1 new judgement lines from judgements/ (MC)"]
    assert opened(root) == []
    assert views(root) == views(made)
    agreeing(root)


def colleague_with_a_new_export(tmp_path: Path) -> tuple[Path, Path]:
    """Our review, and a colleague's copy of it where a new export was imported and
    deduplicated, and MC screened the work it brought (and W1)."""
    root = new_review(tmp_path, "ours")
    mnr(root, "dedupe")
    colleague = copy_of(root, tmp_path, "colleague")
    carers = tmp_path / "carers.ris"
    carers.write_text(_ris([{**CARERS, "DO": "10.1000/other", "TI": "Carers' views of care "
                             "coordination in early intervention services"}]), "utf-8")
    mnr(colleague, "import", str(carers), "--database", "PsycINFO")
    mnr(colleague, "dedupe")
    mnr(colleague, "decide", work_of(colleague, 12), "y", "--stage", "title", "--reviewer",
        "MC")
    mnr(colleague, "decide", "W1", "y", "--stage", "title", "--reviewer", "MC")
    return root, colleague


WAITING = ("1 judgement lines name records this library does not have yet (an export not "
           "imported, or not deduplicated): they are applied once it has them")


def export_arrives(colleague: Path, root: Path) -> None:
    shutil.copy(colleague / "searches" / "carers.ris", root / "searches" / "carers.ris")
    shutil.copy(colleague / "searches" / "log.toml", root / "searches" / "log.toml")


def test_a_line_naming_an_export_not_imported_yet_waits_for_it(tmp_path: Path) -> None:
    root, colleague = colleague_with_a_new_export(tmp_path)
    arrive(colleague, root, "MC.jsonl")  # MC's lines first; the pass and the export later
    assert opened(root) == ["Applied 1 new judgement lines from judgements/ (MC)", WAITING]
    assert opened(root) == [WAITING]  # still waiting, said again, nothing applied twice
    assert rows(root)["screening_log"] == 1
    export_arrives(colleague, root)
    arrive(colleague, root, "team.jsonl")
    said = opened(root)
    assert said[0].startswith("Imported S3 PsycINFO: 1 records from searches/carers.ris")
    assert said[1:] == ["Applied 2 new judgement lines from judgements/ (MC, team)"]
    assert opened(root) == []
    assert rows(root)["screening_log"] == 2
    got, expected = views(root), views(colleague)
    # (the screening log's order is the order lines were applied in: see the xfail above)
    assert [command for command in expected if got[command] != expected[command]] == [
        "decisions export"]
    assert sorted(row.split(",", 1)[1] for row in got["decisions export"].splitlines()) == (
        sorted(row.split(",", 1)[1] for row in expected["decisions export"].splitlines()))
    agreeing(root)


def test_a_line_waiting_for_an_export_is_applied_when_the_pass_came_before_it(
        tmp_path: Path) -> None:
    root, colleague = colleague_with_a_new_export(tmp_path)
    arrive(colleague, root, "team.jsonl", "MC.jsonl")  # a sync: the logs before searches/
    assert opened(root) == ["Applied 2 new judgement lines from judgements/ (MC, team)",
                            WAITING]
    assert rows(root)["screening_log"] == 1
    export_arrives(colleague, root)
    # the pass ran here without the export's records: the works are made again, in the
    # order things happened on the colleague's machine
    assert opened(root) == [
        "searches/carers.ris was imported elsewhere before a deduplication pass this "
        "library has run: rebuilt the library from the review folder"]
    assert views(root) == views(colleague)


@pytest.mark.parametrize("together", [
    False,
    True,
])
def test_a_library_made_before_judgement_logs_writes_its_acts_out_once(
        tmp_path: Path, together: bool) -> None:
    project = make_project(tmp_path)
    text = project.review_file.read_text("utf-8").replace('reviewers = ["R1"]', REVIEWERS)
    project.review_file.write_text(text, "utf-8")
    root = project.root
    medline, cinahl = tmp_path / "medline.ris", tmp_path / "cinahl.ris"
    medline.write_text(MEDLINE, "utf-8")
    cinahl.write_text(CINAHL, "utf-8")
    library = Library.open(project.database_file)  # no journal: as before judgement logs
    try:
        assert library.journal is None
        import_file(project, library, medline, ImportOptions(database="MEDLINE"))
        deduplicate(library)
        stage = load(library, project.settings()).stage("title")
        decide(library, stage, 1, "BH", "y")
        decide(library, stage, 2, "MC", "n", reason="Wrong setting")
        tags = [(1, "country", "UK", "add"), (3, "country", "UK", "add")]
        for group in [tags] if together else [[tag] for tag in tags]:
            library.synthesis.tag(group, "BH")
        library.synthesis.add_memo("review", None, "MC", "Adults only")
    finally:
        library.close()
    library = Library.open(project.database_file)
    try:
        import_file(project, library, cinahl, ImportOptions(database="CINAHL"))
        deduplicate(library)  # a second pass
        work = library.works.memberships()
        decide(library, load(library, project.settings()).stage("title"), work[11], "BH", "y")
        library.synthesis.add_memo("work", str(work[11]), "BH", "A key paper")
    finally:
        library.close()
    assert not (root / "judgements").exists()
    counts = {**dict.fromkeys(JUDGEMENT_KEYS, 0), "dedupe_runs": 2, "screening_log": 3,
              "work_tags": 2, "memos": 2}
    assert rows(root) == counts
    said = opened(root)
    assert said == ["Wrote 9 judgements this library held to judgements/ (the review folder "
                    "now has them)"]
    assert rows(root) == counts
    assert sorted(p.name for p in (root / "judgements").glob("*.jsonl")) == [
        "BH.jsonl", "MC.jsonl", "team.jsonl"]
    assert Counter(line["act"] for line in lines_of(root).values()) == {
        "dedupe": 2, "screen": 3, "tag": 2, "memo": 2}
    assert opened(root) == []  # once
    agreeing(root)
    before = views(root)
    assert work_of(root, 11) == "W9" and "A key paper" in before["memo list"]
    delete_library(root)
    assert views(root) == before
    assert rows(root) == counts
    agreeing(root)


def test_a_line_cut_short_by_a_crash_does_not_stop_the_lines_after_it(
        base: Path, tmp_path: Path) -> None:
    root = copy_of(base, tmp_path)
    mnr(root, "decide", "W1", "y", "--stage", "title", "--reviewer", "MC")
    with (root / "judgements" / "MC.jsonl").open("ab") as log:
        log.write(b'{"id":"20270101T000000000000Z-dead00-00000","at":"20')  # killed here
    mnr(root, "decide", "W2", "y", "--stage", "title", "--reviewer", "MC")
    colleague = copy_of(base, tmp_path, "colleague")
    mnr(colleague, "decide", "W1", "n", "--stage", "title", "--reviewer", "BH")
    arrive(colleague, root, "BH.jsonl")
    said = opened(root)
    assert not any("were not read" in line for line in said), said
    assert rows(root)["screening_log"] == 3
    expected = views(root)
    delete_library(root)
    assert views(root) == expected


def test_a_search_withdrawn_after_a_pass_keeps_the_works_in_a_rebuild(tmp_path: Path) -> None:
    """A withdrawal is replayed where it happened among the passes: the pass before it
    grouped the withdrawn search's records too, and a rebuild gives the same works."""
    root = new_review(tmp_path)
    mnr(root, "dedupe")
    mnr(root, "decide", work_of(root, 7), "y", "--stage", "title", "--reviewer", "BH")
    mnr(root, "searches", "withdraw", "S1", "--reason", "exported with the wrong limits")
    extra = tmp_path / "review" / "carers.ris"
    extra.write_text(_ris([CARERS, TYRER]), "utf-8")
    mnr(root, "import", str(extra), "--database", "PsycINFO")
    mnr(root, "dedupe")
    before = views(root)
    works = mnr(root, "export", "csv", "--what", "works").stdout
    delete_library(root)
    assert mnr(root, "export", "csv", "--what", "works").stdout == works
    assert views(root) == before
    agreeing(root)


def test_lines_another_process_applied_meanwhile_are_not_applied_twice(
        base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two commands catching up at once: a line the other applied after this one looked
    is skipped, not applied twice (nor a traceback); the lines around it are applied."""
    from mnr.library.acts import ActStore

    made = copy_of(base, tmp_path, "made")
    screen_in_turn(made)
    root = copy_of(base, tmp_path, "copy")
    opened(root)
    arrive(made, root, "MC.jsonl")
    first = next(iter(lines_of(root)[line_id] for line_id in sorted(lines_of(root))
                      if lines_of(root)[line_id].get("by") == "MC"))
    library = Library.open(root / "library" / "library.sqlite")
    try:
        with library.engine.begin() as conn:  # as the other process left it
            conn.exec_driver_sql(
                "INSERT INTO journal (line_id, source, row_table, row_id) "
                f"VALUES ('{first['id']}', 'MC.jsonl', 'screening_log', 999)")
    finally:
        library.close()
    monkeypatch.setattr(ActStore, "applied", lambda self, ids: set())  # looked before
    said = opened(root)
    mc_lines = sum(1 for line in lines_of(root).values() if line.get("by") == "MC")
    assert said == [f"Applied {mc_lines - 1} new judgement lines from judgements/ (MC)"]
    assert rows(root)["screening_log"] == mc_lines - 2  # the tag is not a screening line


def test_a_pass_that_changes_nothing_is_not_logged(judged: Path, tmp_path: Path) -> None:
    """Running `mnr dedupe` again on a deduplicated review writes no judgement line (the
    demo's README command leaves the folder as it was)."""
    root = copy_of(judged, tmp_path)
    before = lines_of(root)
    said = mnr(root, "dedupe").stderr
    assert "nothing changed since the last pass" in " ".join(said.split())
    assert lines_of(root) == before


def test_acts_of_two_people_saved_together_are_in_both_files_or_neither(
        judged: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch for BH and MC (a decisions import) whose second file cannot be written
    leaves the first as it was: nothing saved, in the library or in the folder."""
    from mnr.library.models import NewEntry

    root = copy_of(judged, tmp_path)
    before = (rows(root), lines_of(root),
              (root / "judgements" / "BH.jsonl").read_bytes())
    real = os.open

    def refusing(path: object, *args: object, **kwargs: object) -> int:
        if str(path).endswith("MC.jsonl"):
            raise OSError(28, "No space left on device")
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    library = review.open_review(Project(root)).library
    try:
        monkeypatch.setattr(os, "open", refusing)
        work = library.screening.work_ids().pop()
        with pytest.raises(MnrError, match="MC.jsonl: could not be written"):
            library.screening.append([
                NewEntry(work, "title", "BH", "note", note="first"),
                NewEntry(work, "title", "MC", "note", note="second")])
        monkeypatch.undo()
    finally:
        library.close()
    assert (rows(root), lines_of(root),
            (root / "judgements" / "BH.jsonl").read_bytes()) == before
