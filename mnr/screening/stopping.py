"""When to stop screening in relevance order: the hypergeometric test of Callaghan and
Müller-Hansen (2020), "Statistical stopping criteria for automated screening in
systematic reviews", Systematic Reviews 9:262.

The null hypothesis is that recall is still below the target. The records screened
last are treated as a random sample drawn from themselves and the records not yet
screened; if the target were not reached, at least ``K`` relevant records would be in
that urn, and finding as few as were found in the sample would be unlikely. The test
is run for every sample of the most recently screened records, and the smallest
p-value counts; screening in relevance order makes the sample richer in relevant
records than a random one, so the test errs on the side of screening more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

RULE = "hypergeometric"


@dataclass(frozen=True, slots=True)
class StopTest:
    """Where the rule stands after ``screened`` of ``total`` records."""

    recall: float  # the recall target
    confidence: float
    screened: int
    total: int
    found: int  # relevant records found so far
    p: float  # the smallest p-value over the samples of the latest records
    sample: int  # the sample (latest records) that gave it
    most_left: int  # relevant records that may be left, at this confidence

    @property
    def stop(self) -> bool:
        """Whether the target recall is reached at the given confidence."""
        return self.p < 1 - self.confidence

    def says(self) -> str:
        if self.stop:
            return (f"{self.recall:.0%} recall reached with {self.confidence:.0%} confidence "
                    f"after {self.screened:,} of {self.total:,}")
        return (f"{self.recall:.0%} recall not yet shown at {self.confidence:.0%} confidence "
                f"after {self.screened:,} of {self.total:,} (p = {self.p:.2f}; at most "
                f"{self.most_left:,} relevant left)")


def hypergeometric(outcomes: Sequence[bool], total: int, recall: float = 0.95,
                   confidence: float = 0.95) -> StopTest:
    """The test after screening records whose relevance was ``outcomes`` (in the order
    they were screened), out of ``total`` records in all."""
    from scipy.stats import hypergeom

    if not 0 < recall < 1 or not 0 < confidence < 1:
        raise ValueError("recall and confidence are between 0 and 1")
    seen = np.asarray(outcomes, dtype=np.int64)
    screened, found = len(seen), int(seen.sum())
    unseen = total - screened
    if screened == 0:
        return StopTest(recall, confidence, 0, total, 0, 1.0, 0, total)
    # samples of the n latest records, n = 1..screened: k relevant in each
    n = np.arange(1, screened + 1)
    k = np.cumsum(seen[::-1])
    urn = n + unseen
    # the fewest relevant the urn would hold if recall were below the target
    k_target = np.floor(k + found * (1 - recall) / recall).astype(np.int64) + 1
    possible = k_target <= urn
    p_values = np.ones(screened)
    p_values[possible] = hypergeom.cdf(k[possible], urn[possible], k_target[possible],
                                       n[possible])
    if not possible.any():  # nothing left unseen that could hold them: recall is reached
        p_values[:] = 0.0
    best = int(np.argmin(p_values))
    return StopTest(recall, confidence, screened, total, found, float(p_values[best]),
                    best + 1, _most_left(int(k[best]), int(urn[best]), best + 1, unseen,
                                         1 - confidence))


def _most_left(k: int, urn: int, n: int, unseen: int, alpha: float) -> int:
    """The most relevant records the unseen ones may hold: the largest number left with
    which finding as few as ``k`` in the sample of ``n`` is not unlikely (p ≥ alpha)."""
    from scipy.stats import hypergeom

    low, high = 0, unseen
    while low < high:  # the cdf falls as the urn holds more relevant records
        middle = (low + high + 1) // 2
        if hypergeom.cdf(k, urn, k + middle, n) >= alpha:
            low = middle
        else:
            high = middle - 1
    return low

