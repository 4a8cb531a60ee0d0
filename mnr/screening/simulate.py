"""Simulated screening on a labelled set, as methodologists choose a model: start from one
relevant and one irrelevant record, and screen in the order the model gives, retraining
after every record, until every relevant record is found and the stopping rule has
spoken. The priors are those ASReview draws for the same seed, so that the two can be
compared run by run.

The figures are those of the screening literature, computed on the order after the
priors (N records, R relevant): WSS@r, the work saved over reading at random at recall
r; RRF@10, the share of the relevant found after a tenth of the records.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mnr.errors import MnrError
from mnr.screening.priority import DEFAULT, Ranker
from mnr.screening.stopping import StopTest, hypergeometric


@dataclass(frozen=True, slots=True)
class Run:
    """One simulated screening: the priors (row positions) and the order the rest were
    screened in, up to the last relevant record (or the stopping rule, if later)."""

    seed: int
    priors: tuple[int, int]  # the relevant and the irrelevant prior
    order: list[int]
    labels: np.ndarray = field(repr=False)
    stopped: StopTest | None = None  # where the stopping rule first said stop, if asked

    def recall_at(self, screened: int) -> float:
        """Recall (of the relevant after the priors) after ``screened`` records."""
        found = self.found_after()
        if not self.relevant:
            return 1.0
        return (found[min(screened, len(found)) - 1] if screened and found else 0) / self.relevant

    @property
    def stop_screened(self) -> int | None:
        """Records screened (after the priors) when the stopping rule said stop."""
        return None if self.stopped is None else self.stopped.screened - 2

    @property
    def stop_recall(self) -> float | None:
        """Recall where the stopping rule said stop."""
        at = self.stop_screened
        return None if at is None else self.recall_at(at)

    @property
    def stop_saved(self) -> float | None:
        """The share of records left unscreened where the stopping rule said stop."""
        at = self.stop_screened
        return None if at is None else (self.records - at) / self.records

    @property
    def records(self) -> int:
        return len(self.labels) - 2

    @property
    def relevant(self) -> int:
        return int(self.labels.sum()) - 1

    def found_after(self) -> list[int]:
        """Relevant records found after each record screened (the recall curve, counted)."""
        return np.cumsum(self.labels[self.order]).tolist() if self.order else []

    def screened_for(self, recall: float) -> int:
        """Records screened when ``recall`` of the relevant had been found (⌈r·R⌉ of them)."""
        wanted = math.ceil(recall * self.relevant - 1e-9)
        if wanted <= 0:
            return 0
        for screened, found in enumerate(self.found_after(), start=1):
            if found >= wanted:
                return screened
        return self.records

    def wss(self, recall: float) -> float:
        """Work saved over sampling at ``recall``: (N - n_r)/N - (1 - r)."""
        return (self.records - self.screened_for(recall)) / self.records - (1 - recall)

    def rrf(self, share: float = 0.10) -> float:
        """Relevant records found after screening ``share`` of the records (⌊share·N⌋)."""
        if self.relevant == 0:
            return float("nan")
        screened = math.floor(share * self.records)
        found = self.found_after()
        return (found[screened - 1] if 0 < screened <= len(found) else
                found[-1] if found and screened > len(found) else 0) / self.relevant


def priors(labels: np.ndarray, seed: int) -> tuple[int, int]:
    """The relevant and irrelevant prior ASReview 3.0.8 draws for ``seed`` (0-based row
    positions; a fresh RandomState for each draw)."""
    relevant = np.random.RandomState(seed).choice(np.flatnonzero(labels == 1), 1, replace=False)
    irrelevant = np.random.RandomState(seed).choice(np.flatnonzero(labels == 0), 1,
                                                    replace=False)
    return int(relevant[0]), int(irrelevant[0])


def simulate(texts: Sequence[str], labels: Sequence[int] | np.ndarray, seed: int,
             model: str = DEFAULT, ranker: Ranker | None = None, recall: float | None = None,
             confidence: float = 0.95) -> Run:
    """Screen ``texts`` in the model's order from the seed's priors until every relevant
    record is found (``ranker``: one made for these texts already, to share features).
    With a ``recall`` target, go on until the stopping rule says stop too (or no record
    is left), and note where it first did."""
    y = np.asarray(labels, dtype=np.int64)
    first = priors(y, seed)
    ranker = ranker or Ranker(texts, model, seed)
    known: dict[int, bool] = {first[0]: True, first[1]: False}
    waiting = np.ones(len(y), dtype=bool)
    waiting[list(first)] = False
    left = int(y.sum()) - 1
    order: list[int] = []
    outcomes = [True, False]
    stopped: StopTest | None = None
    while waiting.any() and (left > 0 or (recall is not None and stopped is None)):
        scores = ranker.scores(known)
        pool = np.flatnonzero(waiting)
        pick = int(pool[0] if scores is None else pool[np.argmax(scores[pool])])
        order.append(pick)
        waiting[pick] = False
        known[pick] = bool(y[pick])
        outcomes.append(bool(y[pick]))
        left -= int(y[pick])
        if recall is not None and stopped is None:
            test = hypergeometric(outcomes, len(y), recall, confidence)
            if test.stop:
                stopped = test
    return Run(seed, first, order, y, stopped)


def read_labelled(path: Path, label: str = "label_included") -> tuple[list[str], np.ndarray]:
    """A labelled screening set (CSV: title, abstract, a 0/1 label column; keywords if it
    has them): each record's text and label. Refused, naming the file, when a column is
    missing, a label is not 0 or 1, or there is no relevant or no irrelevant record."""
    import pandas as pd

    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        said = " ".join(str(error).split())  # pandas' messages run over lines
        raise MnrError(f"{path}: could not be read as CSV ({said})") from None
    missing = [c for c in ("title", label) if c not in table.columns]
    if missing:
        raise MnrError(f"{path}: has no column {', '.join(missing)} (its columns: "
                       f"{', '.join(table.columns)})")
    values = table[label].str.strip()
    wrong = values[~values.isin(["0", "1"])]
    if len(wrong):
        raise MnrError(f"{path}, row {int(wrong.index[0]) + 2}: {label} is "
                       f"{wrong.iloc[0]!r}; labels are 0 or 1")
    labels = values.astype(int).to_numpy()
    if labels.min() == labels.max():
        raise MnrError(f"{path}: every record is labelled {labels[0]}; a simulation needs "
                       "relevant and irrelevant records")
    parts = [table[c] for c in ("title", "abstract", "keywords") if c in table.columns]
    texts = parts[0].str.cat(parts[1:], sep=" ") if len(parts) > 1 else parts[0]
    return texts.tolist(), labels
