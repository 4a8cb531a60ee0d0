"""Inter-rater agreement: Cohen's kappa, Gwet's AC1, maybe-as-yes and Fleiss' kappa."""

from __future__ import annotations

import json
import math

import pytest

from mnr.screening.agreement import (
    CATEGORIES,
    cohen_kappa,
    collapse_maybe,
    contingency,
    fleiss_from_decisions,
    fleiss_kappa,
    gwet_ac1,
    observed_agreement,
    pair_agreement,
)

# Rows and columns in (y, n, m) order; n = 100.
TABLE = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]


def test_cohen_kappa_matches_irrcac() -> None:
    # po = 89/100; rows 13, 27, 60; cols 13, 24, 63
    # pe = (13*13 + 27*24 + 60*63) / 100**2 = 4597/10000
    # kappa = (0.89 - 0.4597) / (1 - 0.4597) = 0.4303 / 0.5403 = 0.79641
    assert observed_agreement(TABLE) == pytest.approx(89 / 100)
    assert cohen_kappa(TABLE) == pytest.approx(0.7964, abs=5e-5)
    assert cohen_kappa(TABLE) == pytest.approx(0.4303 / 0.5403)


def test_gwet_ac1_by_hand() -> None:
    # pi = (13+13, 27+24, 60+63) / 200 = 0.13, 0.255, 0.615
    # sum pi(1-pi) = 0.1131 + 0.189975 + 0.236775 = 0.53985; pe = 0.53985 / (3-1) = 0.269925
    # AC1 = (0.89 - 0.269925) / (1 - 0.269925) = 0.620075 / 0.730075 = 0.84933
    assert gwet_ac1(TABLE) == pytest.approx(0.620075 / 0.730075)
    assert gwet_ac1(TABLE) == pytest.approx(0.8493, abs=5e-5)


def test_classic_two_by_two_kappa() -> None:
    # n = 50, po = 35/50 = 0.7; rows 25, 25; cols 30, 20; pe = (25*30 + 25*20) / 2500 = 0.5
    # kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4
    assert cohen_kappa([[20, 5], [10, 15]]) == pytest.approx(0.4)
    # 2x2 AC1: pi = 45/100, 55/100; pe = 2 * 0.45 * 0.55 / 1 = 0.495; (0.7-0.495)/0.505
    assert gwet_ac1([[20, 5], [10, 15]]) == pytest.approx(0.205 / 0.505)


def test_collapse_maybe_counts_maybe_as_yes() -> None:
    # (y|m, y|m) = 13 + 0 + 0 + 56; (y|m, n) = 0 + 4; (n, y|m) = 0 + 7; (n, n) = 20
    assert collapse_maybe(TABLE) == [[69, 4], [7, 20]]
    # po = 0.89; rows 73, 27; cols 76, 24; pe = (73*76 + 27*24) / 10000 = 0.6196
    assert cohen_kappa(collapse_maybe(TABLE)) == pytest.approx(0.2704 / 0.3804)
    with pytest.raises(ValueError):
        collapse_maybe([[1, 2], [3, 4]])


def test_empty_tables_give_nan_without_raising() -> None:
    empty = [[0] * 3 for _ in range(3)]
    for measure in (observed_agreement, cohen_kappa, gwet_ac1):
        assert math.isnan(measure(empty))
        assert math.isnan(measure([]))
    assert math.isnan(cohen_kappa(collapse_maybe(empty)))


def test_everyone_always_says_no() -> None:
    # pe == 1 and po == 1: kappa is taken as 1.0 (irrCAC's convention); AC1 is 1 anyway.
    table = [[0, 0, 0], [0, 30, 0], [0, 0, 0]]
    assert cohen_kappa(table) == 1.0
    assert gwet_ac1(table) == pytest.approx(1.0)
    assert observed_agreement(table) == 1.0


def test_kappa_paradox_ac1_stays_high() -> None:
    # Reviewers agree on 96 of 100, nearly all exclusions: kappa is low, AC1 is not.
    table = [[1, 2], [2, 95]]
    assert cohen_kappa(table) < 0.35
    assert gwet_ac1(table) > 0.95


def test_contingency_counts_pairs_and_rejects_unknown_decisions() -> None:
    assert contingency([("y", "y"), ("y", "m"), ("n", "m"), ("y", "m")]) == [
        [1, 0, 2],
        [0, 0, 1],
        [0, 0, 0],
    ]
    assert contingency([], ("a", "b")) == [[0, 0], [0, 0]]
    with pytest.raises(ValueError):
        contingency([("y", "x")])


def test_pair_agreement_uses_only_shared_works() -> None:
    a = {1: "y", 2: "n", 3: "m", 4: "n", 5: "y", 9: "y"}
    b = {1: "y", 2: "n", 3: "n", 4: "n", 5: "m", 8: "n"}
    result = pair_agreement("ana", "ben", a, b)
    assert result.n == 5
    assert result.table == [[1, 0, 1], [0, 2, 0], [0, 1, 0]]
    assert result.table == contingency((a[w], b[w]) for w in (1, 2, 3, 4, 5))
    assert result.observed == pytest.approx(3 / 5)
    assert result.kappa == pytest.approx(cohen_kappa(result.table))
    assert result.kappa_maybe_as_yes == pytest.approx(cohen_kappa(collapse_maybe(result.table)))
    assert result.gwet_ac1 == pytest.approx(gwet_ac1(result.table))
    assert (result.reviewer_a, result.reviewer_b) == ("ana", "ben")


def test_pair_agreement_without_shared_works_is_nan_and_json_friendly() -> None:
    result = pair_agreement("ana", "ben", {1: "y"}, {2: "n"})
    assert result.n == 0 and math.isnan(result.kappa) and math.isnan(result.observed)
    data = result.as_dict()
    assert data["kappa"] is None and data["gwet_ac1"] is None and data["observed"] is None
    assert data["table"] == [[0, 0, 0], [0, 0, 0], [0, 0, 0]]
    json.dumps(data, allow_nan=False)


def test_as_dict_keeps_values() -> None:
    data = pair_agreement("a", "b", {1: "y", 2: "n"}, {1: "y", 2: "n"}).as_dict()
    assert data["reviewer_a"] == "a" and data["n"] == 2 and data["observed"] == 1.0
    assert data["kappa"] == pytest.approx(1.0)


# Fleiss (1971) as given on Wikipedia: 10 subjects, 14 raters, 5 categories, kappa = 0.210
# (mean P_i = 0.378, pe = 0.213).
FLEISS_1971 = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_wikipedia_example() -> None:
    assert fleiss_kappa(FLEISS_1971) == pytest.approx(0.210, abs=5e-4)


def test_fleiss_kappa_accepts_mappings() -> None:
    rows = [{str(j): c for j, c in enumerate(row) if c} for row in FLEISS_1971]
    assert fleiss_kappa(rows) == pytest.approx(fleiss_kappa(FLEISS_1971))


def test_fleiss_kappa_edge_cases() -> None:
    assert math.isnan(fleiss_kappa([]))
    assert math.isnan(fleiss_kappa([[0, 0, 0]]))
    assert math.isnan(fleiss_kappa([[1, 0], [0, 1]]))  # one rater per subject
    assert fleiss_kappa([[0, 3, 0], [0, 3, 0]]) == 1.0  # everyone says n: pe == 1, po == 1
    assert fleiss_kappa([[3, 0], [0, 0], [0, 3]]) == pytest.approx(1.0)  # unrated row skipped
    with pytest.raises(ValueError):
        fleiss_kappa([[2, 1], [1, 1]])


def test_fleiss_from_decisions_keeps_works_decided_by_everyone() -> None:
    decisions = {
        "ana": {1: "y", 2: "n", 3: "n", 4: "m", 5: "y"},
        "ben": {1: "y", 2: "n", 3: "m", 4: "m", 6: "n"},
        "cai": {1: "m", 2: "n", 3: "n", 4: "m", 5: "n"},
    }
    kappa, used = fleiss_from_decisions(decisions)
    assert used == 4  # works 1-4; 5 and 6 lack a reviewer
    # Counts per work in (y, n, m) order.
    rows = [[2, 0, 1], [0, 3, 0], [0, 2, 1], [0, 0, 3]]
    assert kappa == pytest.approx(fleiss_kappa(rows))
    # By hand: sum n_ij^2 = 5 + 9 + 5 + 9 = 28; mean P_i = (28 - 12) / (12 * 2) = 2/3
    # category totals 2, 5, 5 -> pe = (4 + 25 + 25) / 144 = 0.375
    assert kappa == pytest.approx((2 / 3 - 0.375) / (1 - 0.375))


def test_fleiss_from_decisions_degenerate_inputs() -> None:
    assert fleiss_from_decisions({})[1] == 0 and math.isnan(fleiss_from_decisions({})[0])
    kappa, used = fleiss_from_decisions({"ana": {1: "y"}})
    assert used == 0 and math.isnan(kappa)
    kappa, used = fleiss_from_decisions({"ana": {1: "y"}, "ben": {2: "y"}})
    assert used == 0 and math.isnan(kappa)


def test_categories_order() -> None:
    assert CATEGORIES == ("y", "n", "m")
