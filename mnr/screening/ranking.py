"""One reviewer's screening list in relevance order, and where the stopping rule stands.

The model learns from what this reviewer may see: their own decisions, and the
settled outcomes of works (decided by as many reviewers as the protocol asks, in
agreement or resolved). Under blind screening another reviewer's decision on a work
this reviewer has not decided is never used, so the order reveals nothing of it.
Ranking runs away from the keypresses (the screen runs it in a thread): the labels
are read from the stage as it stands, the model retrained, every undecided work
scored.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from mnr.screening.priority import DEFAULT, Ranker
from mnr.screening.state import DECISIONS, Stage
from mnr.screening.stopping import StopTest, hypergeometric

RELEVANT = ("y", "m")  # what the model learns as relevant


@dataclass(frozen=True, slots=True)
class Ranked:
    """The undecided works, the most likely relevant first, and the stopping rule."""

    order: list[int]  # works not labelled for this reviewer, most likely relevant first
    rank: dict[int, int]  # work -> its place in ``order``, from 1
    test: StopTest
    labelled: int  # decisions the model was trained on
    seconds: float  # how long training and ranking took

    def says(self) -> str:
        """The header's line: where the stopping rule stands."""
        if self.test.stop:
            return self.test.says()
        return (f"at most {self.test.most_left:,} relevant left "
                f"({self.test.confidence:.0%} confidence)")


def training_labels(stage: Stage, reviewer: str) -> list[tuple[int, bool]]:
    """(work, relevant) for what ``reviewer`` may learn from, in the order decided: their
    own current decisions, and settled outcomes of works they have not decided."""
    found: list[tuple[int, int, bool]] = []
    for work_id, work in list(stage.works.items()):
        mine = work.decision_of(reviewer)
        if mine is not None and mine.decision in DECISIONS:
            found.append((mine.entry_id, work_id, mine.decision in RELEVANT))
            continue
        outcome = stage.outcome(work_id)
        if outcome in DECISIONS:  # settled: by the others, in agreement or resolved
            said = [entries[-1].entry_id for entries in work.decisions.values() if entries]
            said += [entry.entry_id for entry in work.resolutions]
            found.append((max(said), work_id, outcome in RELEVANT))
    found.sort()
    return [(work_id, relevant) for _, work_id, relevant in found]


class Prioritiser:
    """The works of one stage with their features (fitted once: the slow part)."""

    def __init__(self, texts: Mapping[int, str], model: str = DEFAULT) -> None:
        self.work_ids = list(texts)
        self.row = {work_id: row for row, work_id in enumerate(self.work_ids)}
        self.ranker = Ranker([texts[work_id] for work_id in self.work_ids], model)

    def rank(self, labels: list[tuple[int, bool]], recall: float = 0.95,
             confidence: float = 0.95) -> Ranked:
        """Train on ``labels`` (in the order decided) and rank every other work."""
        started = time.perf_counter()
        known = {self.row[work_id]: relevant for work_id, relevant in labels
                 if work_id in self.row}
        scores = self.ranker.scores(known)
        waiting = np.ones(len(self.work_ids), dtype=bool)
        if known:
            waiting[np.fromiter(known, dtype=np.int64, count=len(known))] = False
        rows = np.flatnonzero(waiting)
        if scores is not None:
            rows = rows[np.argsort(-scores[rows], kind="stable")]
        order = [self.work_ids[row] for row in rows.tolist()]
        test = hypergeometric([relevant for _, relevant in labels], len(self.work_ids),
                              recall, confidence)
        return Ranked(order, {work_id: place for place, work_id in enumerate(order, 1)},
                      test, len(known), time.perf_counter() - started)
