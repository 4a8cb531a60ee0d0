"""Traditions on a small review: tags, created traditions, summaries, the findings matrix,
the timeline (table and figure) and memos."""

from __future__ import annotations

import csv
import io
import struct

import pytest

from mnr.errors import MnrError
from mnr.synthesis.traditions import (
    add_memo,
    create_tradition,
    current_tags,
    memos,
    tag,
    tag_work,
    themes,
    traditions,
)
from mnr.synthesis.traditions_report import (
    draw_timeline,
    findings_table,
    memos_markdown,
    timeline_table,
    tradition_summaries,
)
from tests.synthesis.conftest import ORDER, POLICY, PSYCHIATRY, USERS, Review


def test_tags_are_added_and_taken_back(review: Review) -> None:
    lib, settings, w = review.library, review.settings, review.work["a"]
    tag(lib, settings, w, "tradition", PSYCHIATRY, "BH")
    tag(lib, settings, w, "tradition", USERS, "MC")
    assert current_tags(lib)[w] == {"tradition": [PSYCHIATRY, USERS]}
    tag(lib, settings, w, "tradition", PSYCHIATRY, "BH", remove=True)
    assert current_tags(lib)[w] == {"tradition": [USERS]}
    with pytest.raises(MnrError, match="has no tradition tag"):
        tag(lib, settings, w, "tradition", PSYCHIATRY, "BH", remove=True)
    tag(lib, settings, w, "tradition", USERS, "BH", remove=True)
    assert not current_tags(lib).get(w)  # (an empty entry remains; harmless)


def test_one_method_and_one_country_per_work(review: Review) -> None:
    lib, settings, w = review.library, review.settings, review.work["b"]
    tag(lib, settings, w, "method", "Qualitative", "BH")
    tag(lib, settings, w, "method", "mixed", "BH")
    tag(lib, settings, w, "country", "UK", "BH")
    tag(lib, settings, w, "country", "Australia", "BH")
    assert current_tags(lib)[w] == {"method": ["mixed"], "country": ["Australia"]}
    entries = [(t.kind, t.value, t.action) for t in lib.synthesis.tags()]
    assert ("method", "qualitative", "remove") in entries  # the log keeps the replaced one


def test_a_work_tagged_with_several_kinds_at_once(review: Review) -> None:
    lib, settings, w = review.library, review.settings, review.work["c"]
    now = tag_work(lib, settings, w, {"tradition": USERS, "method": "Qualitative",
                                      "country": "UK"}, "BH")
    assert now == {"tradition": [USERS], "method": ["qualitative"], "country": ["UK"]}
    now = tag_work(lib, settings, w, {"country": "Australia"}, "MC")
    assert now == {"tradition": [USERS], "method": ["qualitative"], "country": ["Australia"]}
    assert tag_work(lib, settings, w, {"tradition": USERS, "method": "qualitative",
                                       "country": "Australia"}, "MC", remove=True) == {}
    with pytest.raises(MnrError, match="there is no tradition 'Nursing'"):
        tag_work(lib, settings, w, {"tradition": "Nursing"}, "BH")


def test_unknown_traditions_methods_and_works_are_refused(review: Review) -> None:
    lib, settings, w = review.library, review.settings, review.work["a"]
    with pytest.raises(MnrError, match="there is no tradition 'Nursing'.*Psychiatry"):
        tag(lib, settings, w, "tradition", "Nursing", "BH")
    with pytest.raises(MnrError, match="method family is one of"):
        tag(lib, settings, w, "method", "ethnography", "BH")
    with pytest.raises(MnrError, match="W999: there is no such work"):
        tag(lib, settings, 999, "country", "UK", "BH")
    assert current_tags(lib) == {}


def test_a_tradition_created_outside_review_toml(review: Review) -> None:
    lib, settings = review.library, review.settings
    made = create_tradition(lib, settings, " Carers ", description="As carers see it",
                            methods=["interviews"])
    assert made.name == "Carers" and made.source == "library"
    found = {t.name: t for t in traditions(lib, settings)}
    assert list(found) == [PSYCHIATRY, USERS, POLICY, "Carers"]
    assert found["Carers"].description == "As carers see it"
    create_tradition(lib, settings, "Carers", description="Redrafted")
    assert traditions(lib, settings)[-1].description == "Redrafted"
    tag(lib, settings, review.work["f"], "tradition", "Carers", "BH")  # taggable at once
    with pytest.raises(MnrError, match="defined in review.toml"):
        create_tradition(lib, settings, PSYCHIATRY)
    with pytest.raises(MnrError, match="no field colour"):
        create_tradition(lib, settings, "Other", colour="red")
    with pytest.raises(MnrError, match="needs a name"):
        create_tradition(lib, settings, "  ")


def test_summaries_count_each_traditions_studies(tagged: Review) -> None:
    summaries = {s["tradition"]: s for s in tradition_summaries(tagged.library,
                                                                tagged.settings)}
    assert list(summaries) == [PSYCHIATRY, USERS, POLICY, "(untagged)"]
    users = summaries[USERS]
    assert users["labels"] == ["Slade 1999", "Grundy & Bee 2003", "Coffey 2013"]
    assert (users["first_year"], users["last_year"]) == (1999, 2013)
    assert users["methods"] == {"quantitative": 1, "qualitative": 2}
    assert users["countries"] == {"Australia": 1, "UK": 1, "(not tagged)": 1}
    assert users["description"].startswith("Care planning as experienced")
    psychiatry = summaries[PSYCHIATRY]
    assert psychiatry["labels"] == ["Burns 2001", "Simpson et al. 2016"]
    assert psychiatry["works"] == [f"W{tagged.work['d']}", f"W{tagged.work['a']}"]
    assert summaries["(untagged)"]["labels"] == ["Kelly 2012"]
    assert summaries[POLICY]["methods"] == {"mixed": 1, "qualitative": 1}


def test_the_findings_matrix_in_markdown(tagged: Review) -> None:
    text = findings_table(tagged.library, tagged.settings, "md")
    users = text[text.index(f"### {USERS}"):text.index(f"### {POLICY}")]
    assert "Care planning as experienced by the people it is for." in users
    assert ("| Users valued being involved [1, 3, 6] | Plans were written but not shared [3] |"
            in users)
    assert "| Quantitative | [1] |" in users and "| Qualitative | [3, 6] |" in users
    psychiatry = text[text.index(f"### {PSYCHIATRY}"):text.index(f"### {USERS}")]
    # a pipe is escaped; W8 was excluded, so it is cited by id, not by number
    assert "|  | Risk assessment \\| dominated plans [2, 7, W8] |" in psychiatry
    assert "A retired theme" not in text
    policy = text[text.index(f"### {POLICY}"):text.index("### References")]
    assert "(no themes yet)" in policy and "| Mixed | [4] |" in policy
    assert "Included studies in no tradition yet: [5]" in text
    references = text[text.index("### References"):]
    assert "[1] Slade 1999. Recovery-oriented care coordination. Australian Journal of " \
           "Psychiatry." in references
    assert "[7] Simpson et al. 2016. Care programme approach reviews in community teams. " \
           "BMC Psychiatry." in references
    numbered = [line for line in references.splitlines() if line.startswith("[")]
    assert len(numbered) == len(ORDER) == 7
    assert "not included studies" in references


def test_the_findings_matrix_as_csv(tagged: Review) -> None:
    rows = list(csv.DictReader(io.StringIO(findings_table(tagged.library, tagged.settings,
                                                          "csv"))))
    assert [(r["tradition"], r["polarity"]) for r in rows] == [
        (PSYCHIATRY, "negative"), (USERS, "positive"), (USERS, "negative")]
    assert rows[1]["statement"] == "Users valued being involved"
    assert rows[1]["works"] == "Slade 1999; Grundy & Bee 2003; Coffey 2013"
    assert rows[1]["references"] == "[1, 3, 6]"
    assert rows[0]["works"] == "Burns 2001; Simpson et al. 2016; W8"
    with pytest.raises(MnrError, match="unknown format"):
        findings_table(tagged.library, tagged.settings, "xlsx")


def test_themes_in_force(tagged: Review) -> None:
    assert [t.statement for t in themes(tagged.library, USERS)] == [
        "Users valued being involved", "Plans were written but not shared"]
    assert len(themes(tagged.library)) == 3


def test_the_timeline_table(tagged: Review) -> None:
    assert timeline_table(tagged.library, tagged.settings) == [
        (1999, USERS, "Elsewhere", 1),
        (2001, PSYCHIATRY, "Elsewhere", 1),
        (2003, USERS, "UK", 1),
        (2005, POLICY, "UK", 1),  # tagged "england": the group matches without case
        (2012, "(untagged)", "Elsewhere", 1),
        (2013, USERS, "(no country)", 1),
        (2013, POLICY, "(no country)", 1),
        (2016, PSYCHIATRY, "UK", 1)]
    before_2005 = [r for r in timeline_table(tagged.library, tagged.settings) if r[0] < 2005]
    assert sum(n for _, _, group, n in before_2005 if group == "Elsewhere") == 2


def test_the_timeline_counts_several_works_a_year(tagged: Review) -> None:
    lib, settings, w = tagged.library, tagged.settings, tagged.work
    tag(lib, settings, w["g"], "tradition", PSYCHIATRY, "BH")  # 2012, Canada
    tag(lib, settings, w["e"], "tradition", PSYCHIATRY, "BH")  # 2005, England
    rows = timeline_table(lib, settings)
    assert (2012, PSYCHIATRY, "Elsewhere", 1) in rows and (2005, PSYCHIATRY, "UK", 1) in rows
    assert not any(r[1] == "(untagged)" for r in rows)


def test_a_country_grouping_from_review_toml(tagged: Review) -> None:
    with tagged.project.review_file.open("a", encoding="utf-8") as stream:
        stream.write('\n[traditions_timeline]\ngroup = ["australia", "USA"]\n'
                     'label = "Australia and USA"\n')
    rows = timeline_table(tagged.library, tagged.settings)
    assert rows[:3] == [(1999, USERS, "Australia and USA", 1),
                        (2001, PSYCHIATRY, "Australia and USA", 1), (2003, USERS, "Elsewhere", 1)]


@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("png", b"\x89PNG"),
                                        ("pdf", b"%PDF")])
def test_the_timeline_figure(tagged: Review, fmt: str, magic: bytes) -> None:
    stream = io.BytesIO()
    draw_timeline(tagged.library, tagged.settings, stream, fmt)
    data = stream.getvalue()
    assert data.startswith(magic)
    if fmt == "svg":
        text = data.decode("utf-8")
        for name in (PSYCHIATRY, USERS, POLICY, "(untagged)", "UK (3)", "Elsewhere (3)"):
            assert name in text, name
    if fmt == "png":
        width, _ = struct.unpack(">II", data[16:24])
        assert width / 300 <= 8.27  # no wider than an A4 page at 300 dpi


def test_the_timeline_figure_to_a_file(tagged: Review) -> None:
    path = tagged.root / "timeline.png"
    draw_timeline(tagged.library, tagged.settings, path, "png")
    assert path.read_bytes().startswith(b"\x89PNG")
    with pytest.raises(MnrError, match="unknown format"):
        draw_timeline(tagged.library, tagged.settings, path, "gif")


def test_no_figure_without_included_studies(review: Review) -> None:
    text = review.project.review_file.read_text("utf-8")  # a third stage nobody has screened
    review.project.review_file.write_text(text.replace(
        'stages = ["title", "fulltext"]', 'stages = ["title", "fulltext", "final"]'), "utf-8")
    assert timeline_table(review.library, review.settings) == []
    with pytest.raises(MnrError, match="no included studies"):
        draw_timeline(review.library, review.settings, io.BytesIO(), "png")
    assert "(no included studies)" in findings_table(review.library, review.settings)


def test_memos_in_order(tagged: Review) -> None:
    found = memos(tagged.library)
    assert [(m.subject, m.author) for m in found] == [
        ("review", "BH"), ("tradition", "MC"), ("work", None)]
    text = memos_markdown(tagged.library, tagged.settings)
    first = text.index("### 2024-03-01 09:00, BH, on the review")
    second = text.index(f"MC, on tradition {USERS}")
    third = text.index(f"anonymous, on work W{tagged.work['a']} (Simpson et al. 2016)")
    assert first < second < third
    assert "Check the\nsecond paper." in text


def test_memos_are_checked(review: Review) -> None:
    lib, settings = review.library, review.settings
    with pytest.raises(MnrError, match="no tradition 'Nursing'"):
        add_memo(lib, settings, "tradition", "Nursing", "BH", "text")
    with pytest.raises(MnrError, match="no work '999'"):
        add_memo(lib, settings, "work", "999", "BH", "text")
    with pytest.raises(MnrError, match="empty"):
        add_memo(lib, settings, "review", None, "BH", "  ")
    assert memos_markdown(lib).endswith("(no memos yet)\n")
