"""Screening from the command line: decide, undo, conflicts, resolve, agreement, full texts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.screening.conftest import Review


def mnr(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mnr", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_scripted_decisions_conflicts_resolution_and_agreement(review: Review) -> None:
    root = review.project.root
    review.library.close()
    for args in (["W1", "y", "--reviewer", "BH"], ["W1", "n", "--reviewer", "MC",
                                                     "--reason", "Inpatient sample"],
                 ["W2", "y", "--reviewer", "BH"], ["W2", "y", "--reviewer", "MC"]):
        result = mnr(root, "decide", *args, "--stage", "title")
        assert result.returncode == 0, result.stderr
    assert "outcome is now y" in result.stderr
    listed = json.loads(mnr(root, "conflicts", "--json").stdout)
    assert [(c["work"], c["stage"]) for c in listed] == [("W1", "title")]
    assert {d["reviewer"]: d["reason"] for d in listed[0]["decisions"]} == {
        "BH": None, "MC": "Inpatient sample"}
    stats = json.loads(mnr(root, "agreement", "--stage", "title", "--json").stdout)
    assert stats[0]["pairs"][0]["table"] == [[1, 1, 0], [0, 0, 0], [0, 0, 0]]
    assert stats[0]["pairs"][0]["observed"] == 0.5
    result = mnr(root, "resolve", "W1", "y", "--reviewer", "BH", "--reason", "community sample")
    assert result.returncode == 0, result.stderr
    assert json.loads(mnr(root, "conflicts", "--json").stdout) == []
    status = json.loads(mnr(root, "status", "--json").stdout)
    title = status["screening"][0]
    assert (title["stage"], title["included"], title["pending"]) == ("title", 2, 4)
    result = mnr(root, "undo", "--reviewer", "MC")
    assert result.returncode == 0 and "Undid MC's Y for W2" in result.stderr


def test_refusals_name_what_is_wrong_and_change_nothing(review: Review) -> None:
    root = review.project.root
    review.library.close()
    cases = [
        (["decide", "W1", "y", "--reviewer", "ZZ"], "'ZZ' is not a reviewer"),
        (["decide", "W77", "y", "--reviewer", "BH"], "W77 is not at the title stage"),
        (["decide", "W1", "y", "--reviewer", "BH", "--stage", "screening"],
         "there is no stage 'screening'"),
        (["decide", "W1", "n", "--reviewer", "BH", "--stage", "fulltext"],
         "W1 is not at the fulltext stage"),
        (["undo", "--reviewer", "BH"], "BH has no decision to undo"),
        (["resolve", "W1", "y", "--reviewer", "BH", "--reason", "x"], "no conflict to resolve"),
        (["decide", "W1", "y"], "--reviewer"),
        (["screen", "--reviewer", "ZZ"], "'ZZ' is not a reviewer"),  # before the TUI starts
        (["screen", "--reviewer", "BH", "--stage", "screening"], "there is no stage"),
        (["fulltext", "attach", "W1", "/etc/hostname"], "full texts live under"),
    ]
    for args, message in cases:
        result = mnr(root, *args)
        assert result.returncode != 0, args
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    exported = mnr(root, "decisions", "export")
    assert exported.returncode == 0 and len(exported.stdout.strip().splitlines()) == 1


def test_full_texts_attach_under_library_or_as_urls(review: Review) -> None:
    root = review.project.root
    review.library.close()
    pdf = root / "library" / "fulltexts" / "simpson2016.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.4\n")
    result = mnr(root, "fulltext", "attach", "W1", "library/fulltexts/simpson2016.pdf")
    assert result.returncode == 0, result.stderr
    result = mnr(root, "fulltext", "attach", "W2", "https://doi.org/10.1000/t2")
    assert result.returncode == 0, result.stderr
    from mnr.library import Library

    library = Library.open(review.project.database_file)
    try:
        attached = {w: f.location for w, f in library.screening.fulltexts().items()}
    finally:
        library.close()
    assert attached == {1: "library/fulltexts/simpson2016.pdf", 2: "https://doi.org/10.1000/t2"}
