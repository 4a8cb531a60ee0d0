"""Agreement between reviewers who screen the same works: y (include), n (exclude), m (maybe).

Reported per pair of reviewers: observed agreement, Cohen's kappa on the 3x3 table, kappa with
"maybe" counted as "include" (what Covidence reports, since a maybe goes on to full text), and
Gwet's AC1, which stays meaningful when nearly every work is excluded (kappa then collapses
even when reviewers almost always agree). Fleiss' kappa covers three or more reviewers.

Undefined values are ``nan``, never an exception: an empty table gives ``nan`` throughout.
When chance agreement is 1 (every decision in one category) kappa is 0/0; following irrCAC and
the common packages it is 1.0 when observed agreement is also 1, otherwise ``nan``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

CATEGORIES = ("y", "n", "m")

Table = Sequence[Sequence[int]]


@dataclass(frozen=True, slots=True)
class PairAgreement:
    """Agreement of two reviewers over the works both decided."""

    reviewer_a: str
    reviewer_b: str
    table: list[list[int]]
    """3x3 counts: rows are reviewer_a's decision, columns reviewer_b's, in CATEGORIES order."""
    n: int
    observed: float
    kappa: float
    kappa_maybe_as_yes: float
    gwet_ac1: float

    def as_dict(self) -> dict[str, object]:
        """Plain values for JSON, with ``nan`` as ``None``."""
        out: dict[str, object] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, float) and math.isnan(value):
                value = None
            elif isinstance(value, list):
                value = [list(row) for row in value]
            out[field.name] = value
        return out


def contingency(
    pairs: Iterable[tuple[str, str]], categories: Sequence[str] = CATEGORIES
) -> list[list[int]]:
    """Count (decision_a, decision_b) pairs into a square table in ``categories`` order."""
    index = {category: i for i, category in enumerate(categories)}
    table = [[0] * len(categories) for _ in categories]
    for a, b in pairs:
        if a not in index or b not in index:
            raise ValueError(f"decision not in {tuple(categories)}: {(a, b)!r}")
        table[index[a]][index[b]] += 1
    return table


def _margins(table: Table) -> tuple[int, int, list[int], list[int]]:
    """Total, diagonal sum, row sums and column sums of a square table."""
    q = len(table)
    if any(len(row) != q for row in table):
        raise ValueError("agreement table must be square")
    rows = [sum(row) for row in table]
    cols = [sum(row[k] for row in table) for k in range(q)]
    return sum(rows), sum(table[k][k] for k in range(q)), rows, cols


def observed_agreement(table: Table) -> float:
    """Share of works on which both reviewers gave the same decision."""
    n, diagonal, _, _ = _margins(table)
    return diagonal / n if n else math.nan


def _chance_corrected(observed: float, expected: float, certain: bool) -> float:
    """(po - pe) / (1 - pe); when pe == 1 (``certain``), 1.0 if po == 1 else nan."""
    if certain:
        return 1.0 if observed == 1 else math.nan
    return (observed - expected) / (1 - expected)


def cohen_kappa(table: Table) -> float:
    """Cohen's kappa: chance agreement from each reviewer's own decision rates."""
    n, diagonal, rows, cols = _margins(table)
    if not n:
        return math.nan
    chance = sum(r * c for r, c in zip(rows, cols, strict=True))  # pe * n**2, kept exact
    return _chance_corrected(diagonal / n, chance / n**2, chance == n * n)


def gwet_ac1(table: Table) -> float:
    """Gwet's AC1: pe = sum_k pi_k (1 - pi_k) / (q - 1), pi_k = (row_k + col_k) / 2n.

    Unlike kappa it does not fall to zero or below when one category dominates.
    A table with fewer than two categories gives ``nan``.
    """
    n, diagonal, rows, cols = _margins(table)
    q = len(table)
    if not n or q < 2:
        return math.nan
    shares = [(r + c) / (2 * n) for r, c in zip(rows, cols, strict=True)]
    expected = sum(p * (1 - p) for p in shares) / (q - 1)  # at most 1/q, never 1
    return _chance_corrected(diagonal / n, expected, False)


def collapse_maybe(table: Table) -> list[list[int]]:
    """3x3 (y, n, m) table to 2x2 (y or m, n): a maybe goes on to full text like a yes."""
    if len(table) != 3 or any(len(row) != 3 for row in table):
        raise ValueError("collapse_maybe needs a 3x3 (y, n, m) table")
    groups = ((0, 2), (1,))
    return [[sum(table[i][j] for i in rows for j in cols) for cols in groups] for rows in groups]


def pair_agreement(
    reviewer_a: str,
    reviewer_b: str,
    decisions_a: Mapping[int, str],
    decisions_b: Mapping[int, str],
) -> PairAgreement:
    """Agreement of two reviewers (work_id -> decision) over the works both decided."""
    shared = sorted(decisions_a.keys() & decisions_b.keys())
    table = contingency((decisions_a[w], decisions_b[w]) for w in shared)
    return PairAgreement(
        reviewer_a=reviewer_a,
        reviewer_b=reviewer_b,
        table=table,
        n=len(shared),
        observed=observed_agreement(table),
        kappa=cohen_kappa(table),
        kappa_maybe_as_yes=cohen_kappa(collapse_maybe(table)),
        gwet_ac1=gwet_ac1(table),
    )


def fleiss_kappa(ratings: Sequence[Mapping[str, int]] | Sequence[Sequence[int]]) -> float:
    """Fleiss' kappa: one row per subject with how many raters chose each category.

    Rows are count lists (any number of categories, same length) or category -> count
    mappings. Rows with no ratings are skipped; every other row must have the same number of
    raters (Fleiss' formula assumes it), else ``ValueError``. No rows, or fewer than two
    raters per subject, gives ``nan``.
    """
    keys = sorted({k for row in ratings if isinstance(row, Mapping) for k in row})
    counts = [
        [row.get(k, 0) for k in keys] if isinstance(row, Mapping) else list(row)
        for row in ratings
    ]
    counts = [row for row in counts if sum(row)]
    if not counts:
        return math.nan
    width, raters = len(counts[0]), sum(counts[0])
    if any(len(row) != width for row in counts):
        raise ValueError("every subject needs a count for the same categories")
    if any(sum(row) != raters for row in counts):
        raise ValueError("Fleiss' kappa needs the same number of raters for every subject")
    if raters < 2:
        return math.nan
    total = len(counts) * raters
    pairs_agreeing = sum(c * c for row in counts for c in row) - total
    observed = pairs_agreeing / (total * (raters - 1))  # mean P_i
    category_totals = [sum(row[j] for row in counts) for j in range(width)]
    chance = sum(t * t for t in category_totals)  # pe * total**2, kept exact
    return _chance_corrected(observed, chance / total**2, chance == total * total)


def fleiss_from_decisions(decisions: Mapping[str, Mapping[int, str]]) -> tuple[float, int]:
    """Fleiss' kappa over the works every given reviewer decided: (kappa, works used).

    Fewer than two reviewers, or no work decided by all of them, gives (nan, 0).
    """
    if len(decisions) < 2:
        return math.nan, 0
    by_reviewer = list(decisions.values())
    shared = set(by_reviewer[0]).intersection(*by_reviewer[1:])
    index = {category: i for i, category in enumerate(CATEGORIES)}
    rows = []
    for work in sorted(shared):
        row = [0] * len(CATEGORIES)
        for reviewer in by_reviewer:
            decision = reviewer[work]
            if decision not in index:
                raise ValueError(f"decision not in {CATEGORIES}: {decision!r}")
            row[index[decision]] += 1
        rows.append(row)
    return fleiss_kappa(rows), len(rows)
