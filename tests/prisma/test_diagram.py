"""The PRISMA 2020 diagram: every format saves, every number shows, no text leaves its box."""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from mnr.prisma.counts import Flow
from mnr.prisma.diagram import FONT_SIZE, FORMATS, PNG_DPI, draw, layout, problems

MAGIC = {"svg": (b"<?xml", b"<svg"), "png": (b"\x89PNG",), "pdf": (b"%PDF",)}
A4_WIDTH = 8.27  # inches

REASONS = [
    "Related areas such as case management without a focus on care planning or coordination",
    "Inpatient sample, or a sample mixing inpatients and outpatients without separate results",
    "Not research: editorials, commentaries, letters and conference abstracts",
    "Full text not available after contacting the authors and the library",
    "Published before the care programme approach was introduced in 1991",
    "Intervention delivered by a single professional group only",
    "Outcomes about service use only, with no experience or process data",
    "Pneumonoultramicroscopicsilicovolcanoconiosis-and-other-unbreakable-words-in-a-reason",
]


def databases_only() -> Flow:
    return Flow(database_results=2345, database_specific_results={"MEDLINE": 1234, "CINAHL": 1111},
                duplicates=345, records_screened=2000, records_excluded=1800,
                dbr_sought_reports=200, dbr_notretrieved_reports=7, dbr_assessed=193,
                dbr_excluded={"Inpatient sample": 150, "Not research": 23},
                new_studies=20, new_reports=21, total_studies=20, total_reports=21)


def everything() -> Flow:
    names = ["MEDLINE (Ovid) 1946 to present with daily update", "CINAHL Plus with Full Text",
             "APA PsycINFO", "Embase Classic and Embase", "Scopus",
             "Web of Science Core Collection", "ASSIA",
             "Cochrane Central Register of Controlled Trials", "HMIC", "SSCI", "BNI",
             "Cost $ and $ benefits: a name with dollar signs"]
    databases = {name: 1000 * (i + 1) + i for i, name in enumerate(names)}
    return Flow(database_results=sum(databases.values()), database_specific_results=databases,
                register_results=1_234_567,
                register_specific_results={"ClinicalTrials.gov": 1_200_000, "ISRCTN": 34_567},
                other_results={"Citation searching": 81, "Websites": 19, "Organisations": 4},
                duplicates=23_456, excluded_automatic=3210, excluded_other=98,
                records_screened=1_283_000, records_excluded=1_282_100, dbr_sought_reports=900,
                dbr_notretrieved_reports=13, dbr_assessed=887,
                dbr_excluded={reason: 100 + i for i, reason in enumerate(REASONS)},
                other_sought_reports=77, other_notretrieved_reports=5, other_assessed=72,
                other_excluded={REASONS[0]: 40, REASONS[2]: 26}, new_studies=73,
                new_reports=75, total_studies=73, total_reports=75)


def shown_numbers(flow: Flow) -> set[int]:
    """Every number the diagram shows."""
    single = [flow.database_results, flow.register_results, flow.duplicates,
              flow.excluded_automatic, flow.excluded_other, flow.records_screened,
              flow.records_excluded, flow.dbr_sought_reports, flow.dbr_notretrieved_reports,
              flow.dbr_assessed, flow.total_studies, flow.total_reports]
    if flow.other_methods:
        single += [flow.other_sought_reports, flow.other_notretrieved_reports,
                   flow.other_assessed]
    lists = [flow.database_specific_results, flow.register_specific_results,
             flow.other_results, flow.dbr_excluded, flow.other_excluded]
    return set(single).union(*(d.values() for d in lists))


def svg_texts(svg: str) -> list[str]:
    return [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


FLOWS = {"databases only": databases_only, "everything": everything, "empty": Flow}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", FLOWS)
def test_every_format_saves_with_its_magic_bytes(tmp_path: Path, name: str, fmt: str) -> None:
    path = tmp_path / f"prisma.{fmt}"
    draw(FLOWS[name](), path, fmt, title="A review with a title")
    assert path.stat().st_size > 1000
    assert path.read_bytes().lstrip().startswith(MAGIC[fmt])


def test_draws_into_a_binary_stream() -> None:
    buffer = io.BytesIO()
    draw(databases_only(), buffer, "png")
    assert buffer.getvalue().startswith(b"\x89PNG")


def test_an_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        draw(databases_only(), tmp_path / "prisma.gif", "gif")


@pytest.mark.parametrize("name", FLOWS)
def test_the_svg_shows_every_number_as_text(tmp_path: Path, name: str) -> None:
    flow = FLOWS[name]()
    draw(flow, tmp_path / "prisma.svg", "svg")
    texts = svg_texts((tmp_path / "prisma.svg").read_text(encoding="utf-8"))
    for n in shown_numbers(flow):
        assert any(f"(n = {n:,})" in text for text in texts), n
    assert any("(n = 1,234,567)" in text for text in texts) == (name == "everything")


def test_names_are_shown_and_dollar_signs_are_not_mathtext(tmp_path: Path) -> None:
    draw(everything(), tmp_path / "prisma.svg", "svg")
    joined = " ".join(svg_texts((tmp_path / "prisma.svg").read_text(encoding="utf-8")))
    for name in ("Scopus", "ClinicalTrials.gov", "Citation searching", "Websites",
                 "Cost $ and $ benefits:"):
        assert name in joined


@pytest.mark.parametrize("name", FLOWS)
def test_no_text_leaves_its_box_no_boxes_overlap_and_arrows_touch_boxes(name: str) -> None:
    diagram = layout(FLOWS[name](), title="A title long enough to wrap " * 8)
    assert problems(diagram) == []
    texts = [text for _, texts in diagram.boxes for text in texts]
    assert len(texts) > 20


def test_long_names_and_reasons_are_wrapped_not_cut_short() -> None:
    diagram = layout(everything())
    lines = [text.get_text() for _, texts in diagram.boxes for text in texts]
    joined = " ".join(lines)
    assert "Related areas such as case management without a focus on care planning" in joined
    assert max(len(line) for line in lines) < 60  # wrapped


def test_problems_reports_a_box_too_small_for_its_text() -> None:
    from matplotlib.patches import Rectangle

    diagram = layout(databases_only())
    patch, _ = next((p, t) for p, t in diagram.boxes if any(
        "Records screened" in text.get_text() for text in t))
    assert isinstance(patch, Rectangle)
    patch.set_width(0.3)
    assert any("Records screened" in problem for problem in problems(diagram))


def test_the_other_methods_column_only_when_there_are_other_methods(tmp_path: Path) -> None:
    narrow, wide = layout(databases_only()), layout(everything())
    assert narrow.figure.get_figwidth() < wide.figure.get_figwidth()
    draw(databases_only(), tmp_path / "prisma.svg", "svg")
    texts = svg_texts((tmp_path / "prisma.svg").read_text(encoding="utf-8"))
    assert not any("other methods" in text for text in texts)
    assert sum(text == "Reports sought for retrieval" for text in texts) == 1
    draw(everything(), tmp_path / "prisma.svg", "svg")
    texts = svg_texts((tmp_path / "prisma.svg").read_text(encoding="utf-8"))
    assert "Identification of studies via other methods" in texts
    assert sum(text == "Reports sought for retrieval" for text in texts) == 2


@pytest.mark.parametrize("name", FLOWS)
def test_text_is_at_least_7_pt_when_printed_at_a4_width(tmp_path: Path, name: str) -> None:
    draw(FLOWS[name](), tmp_path / "prisma.png", "png", title="Title")
    width_px, height_px = struct.unpack(">II", (tmp_path / "prisma.png").read_bytes()[16:24])
    assert FONT_SIZE * A4_WIDTH / (width_px / PNG_DPI) >= 7
    assert height_px > width_px / 2


def test_many_databases_and_reasons_make_a_taller_figure() -> None:
    assert layout(everything()).figure.get_figheight() > layout(
        databases_only()).figure.get_figheight() + 2


def test_importing_the_module_does_not_load_matplotlib() -> None:
    script = "import sys, mnr.prisma.diagram; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
