"""Fuzzing the importers with damaged copies of the real exports in ../shared/data/exports.

Each sample file is cut short, has bytes flipped, gets a stray latin-1 byte, is joined to
itself (two exports in one file, as a capped database makes people do) and gets junk
lines. Every variant must either be refused cleanly (an MnrError naming the file, with the
library, searches/ and searches/log.toml as they were) or be imported with the right
number of records and their text undamaged. The seed is fixed, so a failure repeats.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from mnr.errors import MnrError
from mnr.library import Library
from mnr.project import Project
from mnr.searches import ImportOptions, import_file
from tests.formats.test_real_exports import GOLDEN
from tests.helpers import make_project, snapshot

SEED = 15
# One or two files per format family, the ones with the most quirks.
SAMPLES = [
    "ris/asreview__scopus.ris",
    "ris/citation-file-formatting___baseline_zotero.ris",
    "ris/asreview__ovid_psycinfo.ris",
    "ris/citation-file-formatting___baseline_webofscience.ris",
    "medline_nbib/synthesisr__PubMed_example.txt",
    "csv/citation-file-formatting___baseline_embase.csv",
    "csv/bibliometrix__scopus_sample.csv",
    "csv/citation-file-formatting___baseline_cochrane.csv",
    "wos_tabdelim/wosfile__wos_tab_delimited_win_utf8.txt",
    "wos_plaintext/synthesisr__WoS_ciw_example.ciw",
    "bibtex/pybibx__scopus_m.bib",
    "ovid_tagged/commandline4expertsearchers__Embase_endnote_r3001-3002.cgi",
    "endnote_xml/jabref__EndnoteXmlImporterTestLabelAndMultiTitle.xml",
    "json/zotero-better-bibtex__csl_ordering.csl.json",
]
# Two JSON documents or XML trees in one file, or a stray byte between their tokens, break
# the syntax: a refusal is right there. Every other format must read two exports joined
# (tables skip the second header and preamble) and read past a stray byte in a value.
STRUCTURED = ("csl_json", "crossref_json", "pop_json", "endnote_xml")
INSERTED = str.maketrans("", "", "\ufffd\u00e9")  # what a stray b"\xe9" may decode to


@dataclass(frozen=True)
class Variant:
    kind: str  # truncated, flipped, stray_byte, joined, junk
    data: bytes
    at: int  # where the damage is (byte offset), for the failure message


def _line_starts(data: bytes) -> list[int]:
    return [0] + [i + 1 for i, byte in enumerate(data) if byte == 0x0A and i + 1 < len(data)]


def _variants(data: bytes, rng: random.Random) -> list[Variant]:
    size = len(data)
    out = []
    for _ in range(3):
        at = rng.randrange(size // 10, size - 1)
        out.append(Variant("truncated", data[:at], at))
    for _ in range(4):
        at = rng.randrange(size)
        out.append(Variant("flipped", data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))])
                           + data[at + 1:], at))
    # a space between two words: inside a value (a title, an abstract), not in a tag
    spaces = [i + 1 for i in range(1, size - 1) if data[i] == 0x20
              and chr(data[i - 1]).isalpha() and chr(data[i + 1]).isalpha()]
    at = rng.choice(spaces[len(spaces) // 4:]) if spaces else size // 2
    out.append(Variant("stray_byte", data[:at] + b"\xe9" + data[at:], at))
    joiner = b"" if data.endswith(b"\n") else b"\n"
    out.append(Variant("joined", data + joiner + data, size))
    starts = _line_starts(data)
    at = rng.choice(starts[len(starts) // 2:])
    out.append(Variant("junk", data[:at] + b"garbage\n" + data[at:], at))
    out.append(Variant("junk", data + joiner + b"garbage\n", size))
    return out


@dataclass
class Outcome:
    refused: MnrError | None = None
    titles: list[str | None] | None = None


def _attempt(project: Project, path: Path, data: bytes) -> Outcome:
    path.write_bytes(data)
    before = snapshot(project)
    kept = sorted(p.name for p in project.searches_dir.iterdir())
    library = Library.open(project.database_file)
    try:
        try:
            result = import_file(project, library, path, ImportOptions(database="Fuzzed"))
        except MnrError as error:
            assert snapshot(project) == before, "a refused import changed the library"
            assert sorted(p.name for p in project.searches_dir.iterdir()) == kept
            return Outcome(refused=error)
        records = [r for r in library.records() if r.search_id == result.search.search_id]
        return Outcome(titles=[r.title for r in records])
    finally:
        library.close()


def _same(titles: list[str | None], expected: list[str | None], allowed: int) -> bool:
    """The titles match (stray-byte text taken out) but for at most ``allowed`` records."""
    if len(titles) != len(expected):
        return False
    differ = sum(1 for a, b in zip(titles, expected, strict=True)
                 if (a or "").translate(INSERTED) != (b or "").translate(INSERTED))
    return differ <= allowed


def _check(variant: Variant, outcome: Outcome, expected: list[str | None], path: Path,
           format_name: str) -> str | None:
    """Why the outcome is wrong, or None when it is right."""
    if outcome.refused is not None:
        if str(path) not in outcome.refused.message:
            return f"refused without naming the file: {outcome.refused.message}"
        if variant.kind in ("joined", "stray_byte") and format_name not in STRUCTURED:
            return f"{variant.kind} refused: {outcome.refused.message}"
        return None
    titles = outcome.titles or []
    if variant.kind == "truncated":
        # what is kept of a cut file is whole records of it, the last perhaps without its
        # later fields, never a record the file did not hold
        ok = len(titles) <= len(expected) and titles[:-1] == expected[:len(titles) - 1]
        return None if ok else f"cut at byte {variant.at}: {len(titles)} records {titles[-2:]}"
    if variant.kind == "joined":
        expected = expected + expected
    # a flipped byte or a junk line may change the record it lands in, and no other
    ok = _same(titles, expected, 0 if variant.kind in ("joined", "stray_byte") else 1)
    return None if ok else (f"{variant.kind} at byte {variant.at}: {len(titles)} records "
                            f"(expected {len(expected)} with their titles, or a refusal); "
                            f"titles {titles[:3]}...")


@pytest.mark.parametrize("name", SAMPLES)
def test_damaged_exports_are_refused_or_read_right(exports: Path, tmp_path: Path,
                                                   name: str) -> None:
    source = exports / name
    data = source.read_bytes()
    project = make_project(tmp_path)
    original = _attempt(project, tmp_path / f"original{source.suffix}", data)
    assert original.refused is None and original.titles is not None
    assert len(original.titles) == GOLDEN[name][1]
    rng = random.Random(f"{SEED}:{name}")
    problems = []
    seen = {data}
    for number, variant in enumerate(_variants(data, rng)):
        if variant.data in seen:
            continue
        seen.add(variant.data)
        path = tmp_path / f"variant{number}-{variant.kind}{source.suffix}"
        outcome = _attempt(project, path, variant.data)
        problem = _check(variant, outcome, original.titles, path,
                         GOLDEN[name][0])
        if problem:
            problems.append(f"{path.name}: {problem}")
    assert not problems, "\n".join(problems)

