"""Screening prioritisation: the works not screened yet, the likely relevant first.

A relevance model per stage, trained on the decisions made so far (Y and M as
relevant) and re-ranking the rest, as reviewers screen. Text features are
TF-IDF over words and word pairs of the title, abstract and keywords, fitted once
on every work of the list (the document frequencies of the search, not of the
labelled few).
The classifier is chosen by the benchmark (``bench/prioritise_bench.py``) on the
labelled sets of published reviews, against ASReview's default model on the same
data and priors; ``MODELS`` holds the candidates it compares.

The same ``Ranker`` serves the screening screen and ``mnr simulate``, so that
what a methods section cites is what reviewers used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Scorer = Callable[[Any, np.ndarray, np.ndarray, Any], np.ndarray]


@dataclass(frozen=True, slots=True)
class Model:
    """A relevance model: its name, as a methods statement gives it, and how it scores."""

    name: str
    description: str
    score: Scorer


def _features(texts: Sequence[str]) -> Any:
    """TF-IDF of words and word pairs, hashed (no vocabulary to hold: at 100,000 works a
    vocabulary of pairs takes millions of entries), sublinear term frequencies."""
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

    # 2^18 columns keep training fast on a review's few thousand works; a list of
    # 100,000 holds millions of word pairs, which want more room to collide less
    width = 2**18 if len(texts) <= 50_000 else 2**20
    hashed = HashingVectorizer(ngram_range=(1, 2), n_features=width, alternate_sign=False,
                               norm=None, dtype=np.float32).transform(texts)
    return TfidfTransformer(sublinear_tf=True).fit_transform(hashed).astype(np.float32)


def _weights(y: np.ndarray, ratio: float) -> np.ndarray:
    """Sample weights that let a few relevant works count against many irrelevant ones:
    the irrelevant, in all, weigh ``1/ratio`` of the relevant; scaled to sum to the
    number of works, so that the regularisation is the same whatever the balance."""
    relevant = int(y.sum())
    irrelevant = len(y) - relevant
    weight = relevant / (ratio * irrelevant) if irrelevant and relevant else 1.0
    weights = np.where(y == 1, 1.0, weight)
    return weights * (len(y) / weights.sum())


def _svm(x: Any, labelled: np.ndarray, y: np.ndarray, rng: Any) -> np.ndarray:
    from sklearn.svm import LinearSVC

    # liblinear visits the works in a random order: seeded from the ranker's generator,
    # so that a simulation (and a methods section's figures) can be run again exactly
    model = LinearSVC(C=0.11, loss="squared_hinge", random_state=rng.randint(2**31 - 1))
    model.fit(x[labelled], y, sample_weight=_weights(y, 9.8))
    return np.asarray(model.decision_function(x))


def _logistic(x: Any, labelled: np.ndarray, y: np.ndarray, _rng: Any) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=200, solver="liblinear")
    model.fit(x[labelled], y)
    return np.asarray(model.decision_function(x))


def _nb(x: Any, labelled: np.ndarray, y: np.ndarray, _rng: Any) -> np.ndarray:
    from sklearn.naive_bayes import MultinomialNB

    model = MultinomialNB(alpha=3.822)
    model.fit(x[labelled], y, sample_weight=_weights(y, 1.2))
    log_proba = model.predict_log_proba(x)
    return np.asarray(log_proba[:, 1] - log_proba[:, 0])


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Scores as ranks in [0, 1] (1: the highest), for averaging models on one scale."""
    order = np.argsort(np.argsort(scores, kind="stable"), kind="stable")
    return order / max(1, len(scores) - 1)


def _ensemble(x: Any, labelled: np.ndarray, y: np.ndarray, rng: Any) -> np.ndarray:
    return (_ranks(_svm(x, labelled, y, rng)) + _ranks(_logistic(x, labelled, y, rng))
            + _ranks(_nb(x, labelled, y, rng)))


MODELS: dict[str, Model] = {model.name: model for model in (
    Model("svm", "a linear support vector machine (C = 0.11), relevant works weighted up",
          _svm),
    Model("logistic", "logistic regression with balanced class weights", _logistic),
    Model("nb", "multinomial naive Bayes (alpha = 3.8)", _nb),
    Model("ensemble", "the rank average of a linear SVM, logistic regression and naive "
          "Bayes", _ensemble),
)}
DEFAULT = "svm"


class Ranker:
    """The works of one list, their features fitted once, ranked on demand."""

    def __init__(self, texts: Sequence[str], model: str = DEFAULT, seed: int = 0) -> None:
        self.model = MODELS[model]
        self.features = _features(texts)
        self.size = len(texts)
        self._rng = np.random.RandomState(seed)

    def scores(self, labels: Mapping[int, bool]) -> np.ndarray | None:
        """Every row's score (higher: more likely relevant), trained on ``labels``
        (row -> relevant); None until there is a relevant and an irrelevant one."""
        if not labels:
            return None
        rows = np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))
        y = np.fromiter((int(v) for v in labels.values()), dtype=np.int64, count=len(labels))
        if y.min() == y.max():
            return None
        return self.model.score(self.features, rows, y, self._rng)

    def ranking(self, labels: Mapping[int, bool]) -> list[int]:
        """The rows not labelled, the most likely relevant first (in row order while
        the model cannot be trained yet)."""
        scores = self.scores(labels)
        unlabelled = np.array([row for row in range(self.size) if row not in labels],
                              dtype=np.int64)
        if scores is None or not len(unlabelled):
            return unlabelled.tolist()
        order = np.argsort(-scores[unlabelled], kind="stable")
        return unlabelled[order].tolist()
