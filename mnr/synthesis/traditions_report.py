"""What the traditions add up to, for the write-up: the findings matrix, the timeline, memos.

The findings matrix is the seed review's per-tradition table: positive and negative
themes, each with the numbered references of the works behind it, then the method
families with theirs; numbers index the included studies in ``studies()`` order. The
timeline shows included works per year per tradition, the country group (UK by
default) filled and the rest hollow. Matplotlib is imported only when drawing.
"""

from __future__ import annotations

import io
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any, BinaryIO

from mnr.errors import MnrError
from mnr.formats.writers import TableWriter
from mnr.library import Library
from mnr.library.models import Memo, Theme
from mnr.project import Settings
from mnr.synthesis.studies import Study, studies, tags_per_study
from mnr.synthesis.traditions import (
    GENERAL,
    MEMO_TYPES,
    METHODS,
    current_concept_links,
    current_tags,
    declared_concepts,
    memos,
    summarise,
    themes,
    traditions,
)
from mnr.works import merge

UNTAGGED = "(untagged)"
ELSEWHERE = "Elsewhere"
NO_COUNTRY = "(no country)"
FIGURE_FORMATS = ("svg", "png", "pdf")
FONT, FONT_SIZE, PNG_DPI = "DejaVu Sans", 8.0, 300
GROUP_COLOUR, ELSEWHERE_COLOUR, NONE_COLOUR = "#1f4e79", "#d55e00", "#8c8c8c"
Point = tuple[int, str, str, Study]  # an included work on the timeline: year, tradition, group
VERDICTS = ("agree", "conflict", "unique")  # a theme across traditions


def reference(number: int, study: Study) -> str:
    """"[3] Simpson et al. 2016. Title. Journal." """
    merged = study.work.merged
    parts = [study.label, study.title.rstrip(". "), (merged.journal or "").rstrip(". ")]
    return f"[{number}] " + ". ".join(p for p in parts if p) + "."


def _cite(work_ids: list[int], numbers: dict[int, int]) -> str:
    """"[3, 7, 12]"; a work that is not an included study is cited by its id (W12)."""
    known = sorted(numbers[w] for w in set(work_ids) if w in numbers)
    others = sorted(w for w in set(work_ids) if w not in numbers)
    cited = [str(n) for n in known] + [f"W{w}" for w in others]
    return f"[{', '.join(cited)}]" if cited else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def findings_table(library: Library, settings: Settings, fmt: str = "md") -> str:
    """Per tradition its themes (positive / negative, with numbered references) and method
    families, then the reference list (md); or one row per theme (csv)."""
    included = studies(library, settings)
    numbers = {s.work_id: i for i, s in enumerate(included, 1)}
    labels = {s.work_id: s.label for s in included}
    if fmt == "csv":
        stream = io.StringIO()
        writer = TableWriter(stream)
        writer.writerow(["tradition", "polarity", "statement", "works", "references"])
        for tradition in traditions(library, settings):
            for theme in themes(library, tradition.name):
                cited = sorted(set(theme.works), key=lambda w: (numbers.get(w, 1 << 30), w))
                writer.writerow([tradition.name, theme.polarity, theme.statement,
                                 "; ".join(labels.get(w, f"W{w}") for w in cited),
                                 _cite(theme.works, numbers)])
        return stream.getvalue()
    if fmt != "md":
        raise MnrError(f"unknown format {fmt!r}; one of md, csv")
    tags = tags_per_study(current_tags(library), included)  # a study's, from any report
    summaries = {s["tradition"]: s for s in tradition_summaries(library, settings)}
    entries = concept_entries(library, settings)
    lines = [f"## Findings by research tradition: {settings.title}", ""]
    for tradition in traditions(library, settings):
        members = [s.work_id for s in included
                   if tradition.name in tags.get(s.work_id, {}).get("tradition", [])]
        lines += [f"### {tradition.name}", "", *([tradition.description.strip(), ""]
                                                 if tradition.description.strip() else [])]
        lines += _storyline(tradition.storyline, summaries.get(tradition.name))
        lines += _section(themes(library, tradition.name), members, tags, numbers)
        lines += _concept_section([e for e in entries if e["tradition"] == tradition.name],
                                  numbers)
    untagged = [s.work_id for s in included if not tags.get(s.work_id, {}).get("tradition")]
    if untagged:
        lines += [f"Included studies in no tradition yet: {_cite(untagged, numbers)}", ""]
    lines += ["### References", ""]
    for n, study in enumerate(included, 1):
        lines += [reference(n, study), ""]
    if not included:
        lines += ["(no included studies)", ""]
    if any(w not in numbers for t in themes(library) for w in t.works):
        lines += ["Works cited by id (W12) are not included studies of the review.", ""]
    return "\n".join(lines)


def _section(found: list[Theme], members: list[int], tags: dict[int, dict[str, list[str]]],
             numbers: dict[int, int]) -> list[str]:
    """A tradition's themes (positive beside negative) and its methods, as Markdown tables."""
    positive, negative = ([_cell(f"{t.statement} {_cite(t.works, numbers)}") for t in found
                           if t.polarity == polarity] for polarity in ("positive", "negative"))
    lines = ["| Positive findings | Negative findings |", "|---|---|"]
    for row in range(max(len(positive), len(negative))):
        cells = [c[row] if row < len(c) else "" for c in (positive, negative)]
        lines.append(f"| {cells[0]} | {cells[1]} |")
    if not found:
        lines.append("| (no themes yet) | |")
    by_method: dict[str, list[int]] = {}
    for work_id in members:
        by_method.setdefault((tags[work_id].get("method") or ["not tagged"])[0], []).append(
            work_id)
    lines += ["", "| Methods | Studies |", "|---|---|"]
    lines += [f"| {method.capitalize()} | {_cite(by_method[method], numbers)} |"
              for method in [*METHODS, "not tagged"] if method in by_method]
    if not members:
        lines.append("| (no included studies yet) | |")
    return [*lines, ""]


def _when(stamp: str) -> str:
    """"2024-05-01T10:03:00+00:00" -> "2024-05-01 10:03"."""
    return stamp.replace("T", " ")[:16]


def memo_subject(subject: str, about: str | None, labels: dict[int, str] | None = None) -> str:
    if subject == "work" and about is not None:
        label = (labels or {}).get(int(about)) if about.isdigit() else None
        return f"work W{about}" + (f" ({label})" if label else "")
    return f"tradition {about}" if subject == "tradition" else "the review"


MEMO_HEADINGS = {"reflexive": "Reflexive memos", "advisory-group": "Advisory group meetings",
                 "decision": "Decisions", GENERAL: "General memos"}


def memos_markdown(library: Library, settings: Settings | None = None,
                   memo_type: str | None = None) -> str:
    """Every memo (of one type, if given) by type (reflexive, advisory group, decision,
    general), in the order written within a type: date, author and subject, the text."""
    labels = ({s.work_id: s.label for s in studies(library, settings, assessed=True)}
              if settings is not None else {})
    lines = ["## Memos", ""]
    for kind, found in memos_by_type(library, memo_type).items():
        lines += [f"### {MEMO_HEADINGS[kind]} ({len(found)})", ""]
        for memo in found:
            lines += [f"#### {_when(memo.written_at)}, {memo.author or 'anonymous'}, on "
                      f"{memo_subject(memo.subject, memo.about, labels)}", "", memo.text, ""]
    if len(lines) == 2:
        lines += ["(no memos yet)", ""]
    return "\n".join(lines)


# -- the traditions' history ----------------------------------------------------------


def _group(settings: Settings, country: list[str] | None) -> str:
    if not country:
        return NO_COUNTRY
    wanted = {c.strip().casefold() for c in settings.country_group}
    return settings.country_group_label if country[0].strip().casefold() in wanted else ELSEWHERE


def _rows(library: Library, settings: Settings) -> list[str]:
    return [t.name for t in traditions(library, settings)]


def _points(library: Library, settings: Settings) -> tuple[list[Point], int]:
    """(year, tradition, group, study) per included work and tradition; and how many
    included works have no year (left out)."""
    listed = studies(library, settings)
    tags = tags_per_study(current_tags(library), listed)  # a study's, from any report
    points, undated = [], 0
    for study in listed:
        if study.year is None:
            undated += 1
            continue
        work_tags = tags.get(study.work_id, {})
        group = _group(settings, work_tags.get("country"))
        for name in work_tags.get("tradition") or [UNTAGGED]:
            points.append((study.year, name, group, study))
    return points, undated


def timeline_table(library: Library, settings: Settings) -> list[tuple[int, str, str, int]]:
    """(year, tradition, group, works) for the included works, by year, then tradition in
    protocol order, then group (the country group, elsewhere, no country)."""
    points, _ = _points(library, settings)
    rows = [*_rows(library, settings), UNTAGGED]
    groups = [settings.country_group_label, ELSEWHERE, NO_COUNTRY]
    counts = Counter((year, name, group) for year, name, group, _ in points)
    rank = {name: i for i, name in enumerate(rows)}
    return sorted(((y, t, g, n) for (y, t, g), n in counts.items()),
                  key=lambda r: (r[0], rank.get(r[1], len(rows)), r[1], groups.index(r[2])))


def tradition_summaries(library: Library, settings: Settings) -> list[dict[str, Any]]:
    """Per tradition: description, paradigm, storyline, included works (ids and labels)
    and their number, years, methods, countries, and its key concepts and theories with
    the works that carry them (see :func:`concept_entries`)."""
    included = studies(library, settings)
    labels = {s.work_id: s.label for s in included}
    described = {t.name: t for t in traditions(library, settings)}
    entries = concept_entries(library, settings)
    result = []
    for summary in summarise(library, settings, {s.work_id: s.year for s in included}):
        known = described.get(summary.tradition)
        mine = [{k: v for k, v in e.items() if k != "tradition"} for e in entries
                if e["tradition"] == summary.tradition]
        result.append({
            **summary.as_dict(), "description": known.description if known else "",
            "paradigm": known.paradigm if known else "",
            "storyline": known.storyline if known else "",
            "source": known.source if known else "", "works": [f"W{w}" for w in summary.works],
            "labels": [labels[w] for w in summary.works], "studies": len(summary.works),
            "concepts": [e for e in mine if e["kind"] == "concept"],
            "theories": [e for e in mine if e["kind"] == "theory"]})
    return result


def draw_timeline(library: Library, settings: Settings, output: Path | BinaryIO,
                  fmt: str) -> None:
    """Included works per year per tradition: one band per tradition, one marker per work
    (stacked within a year), filled for the country group and hollow for elsewhere; above,
    the works per year split by group. SVG and PDF keep text as text."""
    if fmt not in FIGURE_FORMATS:
        raise MnrError(f"unknown format {fmt!r}; one of {', '.join(FIGURE_FORMATS)}")
    points, undated = _points(library, settings)
    if not points:
        raise MnrError("there are no included studies with a year to draw yet")
    import matplotlib

    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}[fmt]
    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42,
                                "font.family": FONT, "font.size": FONT_SIZE}):
        figure = _figure(settings, points, [*_rows(library, settings), UNTAGGED], undated)
        figure.savefig(output, format=fmt, bbox_inches="tight", pad_inches=0.06,
                       facecolor="white", dpi=PNG_DPI if fmt == "png" else "figure",
                       metadata=metadata)


def _figure(settings: Settings, points: list[Point], order: list[str], undated: int) -> Any:
    """The figure: works per year by group above, one band per tradition below (inches)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    label = settings.country_group_label
    groups = [label, ELSEWHERE, NO_COUNTRY]
    style = _marker_styles(label)
    rows = [name for name in order if any(p[1] == name for p in points)]
    rows += sorted({p[1] for p in points} - set(order))
    stacks = Counter((p[1], p[0]) for p in points)
    slots = {name: max(n for (t, _), n in stacks.items() if t == name) + 0.8 for name in rows}
    years = sorted({p[0] for p in points})
    # inches: the bands grow with their tallest stack, the bar chart stays small
    band_h, bars_h, top_m, gap, bottom_m = sum(slots.values()) * 0.14, 0.75, 0.45, 0.12, 0.72
    height = top_m + bars_h + gap + band_h + bottom_m
    figure = Figure(figsize=(7.0, height), facecolor="white")
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(2, 1, height_ratios=[bars_h, band_h], left=0.26, right=0.98,
                               top=1 - top_m / height, bottom=bottom_m / height,
                               hspace=gap / ((bars_h + band_h) / 2))
    ax = figure.add_subplot(grid[1])
    bars = figure.add_subplot(grid[0], sharex=ax)
    _draw_per_year(bars, points, years, groups, label)
    bottom = _draw_bands(ax, points, rows, slots, stacks, groups, style)
    _label_bands(ax, points, rows, slots, years, undated, bottom)
    for axes in (bars, ax):
        axes.grid(axis="x", which="minor", color="#dddddd", lw=0.4)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    _legend(figure, points, groups, label, style)
    n = len({p[3].work_id for p in points})
    bars.set_title(f"Included studies by year and research tradition (n = {n})", loc="left",
                   fontweight="bold", fontsize=FONT_SIZE + 1.5, pad=10)
    return figure


def _marker_styles(label: str) -> dict[str, dict[str, Any]]:
    """Per group: the country group filled, elsewhere hollow, no country a small diamond."""
    return {
        label: dict(marker="o", color=GROUP_COLOUR, mfc=GROUP_COLOUR, ms=6),
        ELSEWHERE: dict(marker="o", color=ELSEWHERE_COLOUR, mfc="white", mew=1.5, ms=6),
        NO_COUNTRY: dict(marker="D", color=NONE_COLOUR, mfc="white", mew=1.0, ms=4.5)}


def _draw_per_year(bars: Any, points: list[Point], years: list[int], groups: list[str],
                   label: str) -> None:
    """Works per year as stacked bars, one stack per group (elsewhere hatched)."""
    from matplotlib.ticker import MaxNLocator

    colours = {label: GROUP_COLOUR, ELSEWHERE: ELSEWHERE_COLOUR, NO_COUNTRY: NONE_COLOUR}
    per_year = {g: [len({p[3].work_id for p in points if p[0] == y and p[2] == g})
                    for y in years] for g in groups}
    below = [0] * len(years)
    for g in groups:
        if any(per_year[g]):
            bars.bar(years, per_year[g], bottom=below, width=0.72, color=colours[g],
                     hatch="////" if g == ELSEWHERE else None, edgecolor="white", lw=0.3)
            below = [b + n for b, n in zip(below, per_year[g], strict=True)]
    bars.set_ylabel("Studies\nper year")
    bars.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=3))
    bars.tick_params(labelbottom=False)


def _draw_bands(ax: Any, points: list[Point], rows: list[str], slots: dict[str, float],
                stacks: Counter[tuple[str, int]], groups: list[str],
                style: dict[str, dict[str, Any]]) -> float:
    """One band per tradition (every other one shaded), a marker per work stacked within its
    year; returns the bottom of the last band."""
    y0, placed = 0.0, Counter[tuple[str, int]]()
    for i, name in enumerate(rows):
        if i % 2 == 0:
            ax.axhspan(y0, y0 + slots[name], color="#f0f0f0", lw=0, zorder=0)
        for year, _, group, _study in sorted((p for p in points if p[1] == name), key=lambda p:
                                            (p[0], groups.index(p[2]), p[3].label)):
            k, n = placed[(name, year)], stacks[(name, year)]
            placed[(name, year)] += 1
            ax.plot([year], [y0 + slots[name] / 2 + (n - 1) / 2 - k], ls="none", zorder=3,
                    clip_on=False, **style[group])
        y0 += slots[name]
    return y0


def _label_bands(ax: Any, points: list[Point], rows: list[str], slots: dict[str, float],
                 years: list[int], undated: int, bottom: float) -> None:
    """Each band named with its works; the years below, ticks spaced to fit."""
    from matplotlib.ticker import MultipleLocator

    counts = Counter(p[1] for p in points)
    tops = [sum(slots[name] for name in rows[:i]) for i in range(len(rows))]
    ticks = [top + slots[name] / 2 for top, name in zip(tops, rows, strict=True)]
    ax.set_yticks(ticks, [textwrap.fill(f"{n} ({counts[n]})", 30) for n in rows])
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(bottom, 0)
    ax.set_xlim(years[0] - 0.8, years[-1] + 0.8)
    span = years[-1] - years[0]
    ax.xaxis.set_major_locator(MultipleLocator(1 if span <= 10 else 2 if span <= 24 else 5))
    ax.xaxis.set_minor_locator(MultipleLocator(1))
    ax.set_xlabel("Year of publication" + (f" ({undated} studies without a year not shown)"
                                           if undated else ""))


def _legend(figure: Any, points: list[Point], groups: list[str], label: str,
            style: dict[str, dict[str, Any]]) -> None:
    """The groups drawn, each with its number of works, below the bands."""
    from matplotlib.lines import Line2D

    names = {label: label, ELSEWHERE: ELSEWHERE, NO_COUNTRY: "Country not tagged"}
    total = {g: len({p[3].work_id for p in points if p[2] == g}) for g in groups}
    handles = [Line2D([], [], ls="none", label=f"{names[g]} ({total[g]})", **style[g])
               for g in groups if total[g]]
    figure.legend(handles=handles, loc="lower center", ncols=len(handles), frameon=False,
                  bbox_to_anchor=(0.62, 0.0), handletextpad=0.3, columnspacing=1.5)


# -- key concepts and theories, with the works that carry them ---------------------------


WorkInfo = tuple[str, int | None]  # a work's label and year


def _work_info(library: Library, settings: Settings, work_ids: set[int]) -> dict[int, WorkInfo]:
    """Label and year of each work: the studies' labels, or (a work not at the last stage)
    its merged record's author-year."""
    from mnr.synthesis.studies import author_year

    if not work_ids:
        return {}
    info = {s.work_id: (s.label, s.year) for s in studies(library, settings, assessed=True)
            if s.work_id in work_ids}
    if missing := work_ids - set(info):
        grouped: dict[int, list[Any]] = {}
        for record in library.records():
            if record.work_id in missing:
                grouped.setdefault(record.work_id, []).append(record)
        for work_id, records in grouped.items():
            work = merge(work_id, records)
            info[work_id] = (author_year(work), work.merged.year)
    return info


def concept_entries(library: Library, settings: Settings) -> list[dict[str, Any]]:
    """Each tradition's key concepts and theories (as declared, then any linked but no
    longer declared), with the works linked to them, earliest first, and their years."""
    links = current_concept_links(library)
    declared = declared_concepts(library, settings)
    keys = [*declared, *(k for k in links if k not in declared)]
    kinds = {(link.tradition, link.concept): link.kind
             for link in library.synthesis.concept_links()}
    info = _work_info(library, settings, {w for ws in links.values() for w in ws})
    entries = []
    for tradition, concept in keys:
        works = sorted(links.get((tradition, concept), []),
                       key=lambda w: (info.get(w, ("", None))[1] or 1 << 30, w))
        years = [y for w in works if (y := info.get(w, ("", None))[1]) is not None]
        entries.append({
            "tradition": tradition, "name": concept,
            "kind": declared.get((tradition, concept)) or kinds.get((tradition, concept),
                                                                     "concept"),
            "declared": (tradition, concept) in declared,
            "works": [{"work": f"W{w}", "label": info.get(w, (f"W{w}", None))[0],
                       "year": info.get(w, ("", None))[1]} for w in works],
            "studies": len(works), "first_year": min(years, default=None),
            "last_year": max(years, default=None)})
    return entries


def concepts_table(library: Library, settings: Settings, fmt: str = "md") -> str:
    """Per tradition its storyline, study count and key concepts and theories with the
    works that carry them: Markdown, or CSV (one row a concept or theory; a tradition
    with none has one row with the kind empty)."""
    summaries = {s["tradition"]: s for s in tradition_summaries(library, settings)}
    entries = concept_entries(library, settings)
    included = studies(library, settings)
    numbers = {s.work_id: i for i, s in enumerate(included, 1)}
    if fmt == "csv":
        stream = io.StringIO()
        writer = TableWriter(stream)
        writer.writerow(["tradition", "studies", "storyline", "kind", "name", "works", "years",
                         "references"])
        for tradition in traditions(library, settings):
            count = len(summaries.get(tradition.name, {}).get("works", []))
            mine: list[dict[str, Any] | None] = [
                e for e in entries if e["tradition"] == tradition.name]
            for e in mine or [None]:
                row = [tradition.name, count, tradition.storyline.strip()]
                if e is None:
                    writer.writerow([*row, "", "", "", "", ""])
                    continue
                ids = [int(w["work"][1:]) for w in e["works"]]
                writer.writerow([*row, e["kind"], e["name"],
                                 "; ".join(w["label"] for w in e["works"]),
                                 "; ".join(str(w["year"] or "n.d.") for w in e["works"]),
                                 _cite(ids, numbers)])
        return stream.getvalue()
    if fmt != "md":
        raise MnrError(f"unknown format {fmt!r}; one of md, csv")
    lines = [f"## Research traditions: storylines, key concepts and theories: "
             f"{settings.title}", ""]
    for tradition in traditions(library, settings):
        lines += [f"### {tradition.name}", ""]
        lines += _storyline(tradition.storyline, summaries.get(tradition.name))
        lines += _concept_section([e for e in entries if e["tradition"] == tradition.name],
                                  numbers)
    return "\n".join(lines)


def _storyline(storyline: str, summary: dict[str, Any] | None) -> list[str]:
    """The storyline paragraph and the tradition's included studies, counted, with years."""
    lines = [f"**Storyline.** {_cell(storyline.strip())}", ""] if storyline.strip() else []
    works = (summary or {}).get("works", [])
    first, last = (summary or {}).get("first_year"), (summary or {}).get("last_year")
    years = f" ({first}-{last})" if first and last != first else f" ({first})" if first else ""
    n = len(works)
    return [*lines, f"**Included studies:** {n}{years}.", ""]


def _concept_section(entries: list[dict[str, Any]], numbers: dict[int, int]) -> list[str]:
    """A tradition's concepts and theories, each with its works (label, year, reference)."""
    lines = ["| Key concept or theory | Kind | Studies | Works (author year), earliest first |",
             "|---|---|---|---|"]
    for e in entries:
        ids = [int(w["work"][1:]) for w in e["works"]]
        works = "; ".join(w["label"] for w in e["works"])  # labels carry the year
        cited = _cite(ids, numbers)
        lines.append(f"| {_cell(e['name'])} | {e['kind']} | {e['studies']} | "
                     f"{_cell(works)}{' ' + cited if cited else ''} |")
    if not entries:
        lines.append("| (none declared) | | | |")
    return [*lines, ""]


# -- the themes across traditions ----------------------------------------------------------


def themes_matrix(library: Library, settings: Settings) -> list[dict[str, Any]]:
    """The findings themes grouped by topic (a theme with no topic stands for itself), with
    the traditions that carry each: they ``agree`` when every theme on the topic is of one
    polarity, ``conflict`` when positive and negative themes meet (a tradition with both is
    "mixed"), and a topic only one tradition carries is ``unique`` to it."""
    order = [t.name for t in traditions(library, settings)]
    included = studies(library, settings)
    labels = {s.work_id: s.label for s in included}
    topics: dict[str, dict[str, list[Theme]]] = {}
    shown: dict[str, str] = {}
    for theme in themes(library):
        topic = (theme.topic or theme.statement).strip()
        key = topic.casefold()
        shown.setdefault(key, topic)
        topics.setdefault(key, {}).setdefault(theme.tradition, []).append(theme)
    rows = []
    for key, by_tradition in topics.items():
        carried = []
        for name in sorted(by_tradition, key=lambda n: (order.index(n) if n in order
                                                        else len(order), n)):
            found = by_tradition[name]
            polarities = {t.polarity for t in found}
            works = list(dict.fromkeys(w for t in found for w in t.works))
            carried.append({
                "tradition": name,
                "stance": polarities.pop() if len(polarities) == 1 else "mixed",
                "themes": [{"theme": t.theme_key, "statement": t.statement,
                            "polarity": t.polarity} for t in found],
                "works": [f"W{w}" for w in works],
                "labels": [labels.get(w, f"W{w}") for w in works]})
        polarities = {t.polarity for ts in by_tradition.values() for t in ts}
        verdict = ("unique" if len(carried) == 1 else
                   "agree" if len(polarities) == 1 else "conflict")
        rows.append({"topic": shown[key], "verdict": verdict,
                     "traditions": carried})
    return rows


def matrix_table(library: Library, settings: Settings, fmt: str = "md") -> str:
    """:func:`themes_matrix` as Markdown (a row a topic, a column a tradition) or CSV (a
    row a topic and tradition)."""
    rows = themes_matrix(library, settings)
    included = studies(library, settings)
    numbers = {s.work_id: i for i, s in enumerate(included, 1)}
    names = [t.name for t in traditions(library, settings)]
    names += sorted({c["tradition"] for r in rows for c in r["traditions"]} - set(names))
    if fmt == "csv":
        stream = io.StringIO()
        writer = TableWriter(stream)
        writer.writerow(["topic", "verdict", "traditions", "tradition", "stance", "statements",
                         "works", "references"])
        for row in rows:
            for c in row["traditions"]:
                writer.writerow([row["topic"], row["verdict"], len(row["traditions"]),
                                 c["tradition"], c["stance"],
                                 "; ".join(t["statement"] for t in c["themes"]),
                                 "; ".join(c["labels"]),
                                 _cite([int(w[1:]) for w in c["works"]], numbers)])
        return stream.getvalue()
    if fmt != "md":
        raise MnrError(f"unknown format {fmt!r}; one of md, csv")
    sign = {"positive": "+", "negative": "−"}
    lines = [f"## Themes across research traditions: {settings.title}", "",
             "Each theme (or topic several themes speak to) with the traditions that carry "
             "it: + a positive finding, − a negative one. Traditions *agree* when their "
             "findings on it are all of one polarity, *conflict* when they differ; a theme "
             "one tradition alone carries is *unique* to it.", "",
             "| Theme | " + " | ".join(_cell(n) for n in names) + " | Across traditions |",
             "|---|" + "---|" * len(names) + "---|"]
    for row in rows:
        cells = {c["tradition"]: "<br>".join(  # a theme that names its row: its sign alone
            sign[t["polarity"]] + ("" if t["statement"] == row["topic"]
                                   else f" {_cell(t['statement'])}") for t in c["themes"])
            + f" {_cite([int(w[1:]) for w in c['works']], numbers)}".rstrip()
            for c in row["traditions"]}
        verdict = (f"unique to {row['traditions'][0]['tradition']}"
                   if row["verdict"] == "unique" else
                   f"{row['verdict']} ({len(row['traditions'])} traditions)")
        lines.append(f"| {_cell(row['topic'])} | "
                     + " | ".join(cells.get(n, "") for n in names) + f" | {_cell(verdict)} |")
    if not rows:
        lines.append("| (no themes yet) |" + " |" * len(names) + " |")
    return "\n".join([*lines, ""])


# -- memos by type ---------------------------------------------------------------------------


def memos_by_type(library: Library, memo_type: str | None = None) -> dict[str, list[Memo]]:
    """The memos (of one type, if given) grouped by type (reflexive, advisory-group,
    decision, then general), each group in the order written; empty groups left out."""
    grouped: dict[str, list[Memo]] = {kind: [] for kind in (*MEMO_TYPES, GENERAL)}
    for memo in memos(library, memo_type):
        grouped[memo.memo_type or GENERAL].append(memo)
    return {kind: found for kind, found in grouped.items() if found}


# -- the concepts over time -----------------------------------------------------------------


def draw_concept_timeline(library: Library, settings: Settings, output: Path | BinaryIO,
                          fmt: str) -> None:
    """Per tradition, each key concept and theory on a row, a marker at the year of each
    work linked to it (circles concepts, squares theories): how each tradition's ideas
    came and went. SVG and PDF keep text as text."""
    if fmt not in FIGURE_FORMATS:
        raise MnrError(f"unknown format {fmt!r}; one of {', '.join(FIGURE_FORMATS)}")
    entries = [e for e in concept_entries(library, settings)
               if any(w["year"] is not None for w in e["works"])]
    if not entries:
        raise MnrError("no concept or theory is linked to a work with a year yet: "
                       "`mnr traditions concept NAME W12 ...`")
    import matplotlib

    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}[fmt]
    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42,
                                "font.family": FONT, "font.size": FONT_SIZE}):
        figure = _concept_figure(entries, [t.name for t in traditions(library, settings)])
        figure.savefig(output, format=fmt, bbox_inches="tight", pad_inches=0.06,
                       facecolor="white", dpi=PNG_DPI if fmt == "png" else "figure",
                       metadata=metadata)


_TRADITION_COLOURS = ("#1f4e79", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9",
                      "#8c564b", "#7f7f7f")


def _concept_figure(entries: list[dict[str, Any]], order: list[str]) -> Any:
    """The figure: one row per concept or theory, grouped under its tradition's heading."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MultipleLocator

    names = [n for n in order if any(e["tradition"] == n for e in entries)]
    names += sorted({e["tradition"] for e in entries} - set(names))
    colour = {n: _TRADITION_COLOURS[i % len(_TRADITION_COLOURS)] for i, n in enumerate(names)}
    rows: list[tuple[str, dict[str, Any] | None]] = []  # (tradition, entry or heading)
    for name in names:
        rows.append((name, None))
        rows += [(name, e) for e in entries if e["tradition"] == name]
    years = [w["year"] for e in entries for w in e["works"] if w["year"] is not None]
    first, last = min(years), max(years)
    top, bottom = 0.6, 0.5  # inches: the title and legend above, the years below
    height = top + bottom + 0.2 * len(rows)
    figure = Figure(figsize=(7.0, height), facecolor="white")
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.36, bottom / height, 0.62, 1 - (top + bottom) / height))
    labels = []
    for y, (name, entry) in enumerate(rows):
        if entry is None:
            ax.axhspan(y - 0.5, y + 0.5, color="#eeeeee", lw=0, zorder=0)
            labels.append(textwrap.shorten(name, 48, placeholder="…"))
            continue
        per_year = Counter(w["year"] for w in entry["works"] if w["year"] is not None)
        ax.hlines(y, min(per_year), max(per_year), color=colour[name], lw=0.8, alpha=0.5,
                  zorder=1)
        for year, n in per_year.items():
            ax.plot([year], [y], ls="none", marker="o" if entry["kind"] == "concept" else "s",
                    ms=4 + 1.6 * min(n - 1, 5), color=colour[name], zorder=3, clip_on=False)
            if n > 1:
                ax.annotate(str(n), (year, y), xytext=(0, 4.5), textcoords="offset points",
                            ha="center", va="bottom", fontsize=FONT_SIZE - 2, color="#333333")
        labels.append(textwrap.shorten(f"{entry['name']} ({entry['studies']})", 48,
                                       placeholder="…"))
    ax.set_yticks(range(len(rows)), labels)
    for tick, (_, entry) in zip(ax.get_yticklabels(), rows, strict=True):
        if entry is None:
            tick.set_fontweight("bold")
        elif entry["kind"] == "theory":
            tick.set_fontstyle("italic")
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(first - 0.8, last + 0.8)
    span = last - first
    ax.xaxis.set_major_locator(MultipleLocator(1 if span <= 10 else 2 if span <= 24 else 5))
    ax.xaxis.set_minor_locator(MultipleLocator(1))
    ax.grid(axis="x", which="minor", color="#dddddd", lw=0.4)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("Year of publication of the works that carry each concept or theory")
    handles = [Line2D([], [], ls="none", marker="o", color="#555555", ms=4, label="concept"),
               Line2D([], [], ls="none", marker="s", color="#555555", ms=4,
                      label="theory (italic)")]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2,
              frameon=False, handletextpad=0.3, borderaxespad=0.2)
    works = len({w["work"] for e in entries for w in e["works"]})
    figure.suptitle(f"Key concepts and theories over time, by research tradition "
                    f"({works} works)", x=0.02, y=1 - 0.06 / height, ha="left",
                    va="top", fontweight="bold",
                    fontsize=FONT_SIZE + 1.5)
    return figure
