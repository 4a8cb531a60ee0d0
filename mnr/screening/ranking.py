"""One reviewer's screening list in relevance order, and where the stopping rule stands.

The model learns from what this reviewer may see: their own decisions, and the
settled outcomes of works (decided by as many reviewers as the protocol asks, in
agreement or resolved). Under blind screening another reviewer's decision on a work
this reviewer has not decided is never used, so the order reveals nothing of it.
Ranking runs away from the keypresses, in a process of its own (``RankingProcess``):
the labels are read from the stage as it stands, the model retrained, every
undecided work scored.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from mnr.errors import MnrError
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
    """(work, relevant) for what ``reviewer`` may learn from, in the order decided: the
    settled outcomes (a resolution over what the reviewers said), and the reviewer's own
    current decisions on the works not settled."""
    found: list[tuple[int, int, bool]] = []
    for work_id, work in list(stage.works.items()):
        outcome = stage.settled(work_id)
        if outcome is not None:  # settled (in agreement or resolved): open to everyone
            said = [entries[-1].entry_id for entries in work.decisions.values() if entries]
            said += [entry.entry_id for entry in work.resolutions]
            found.append((max(said), work_id, outcome in RELEVANT))
            continue
        mine = work.decision_of(reviewer)
        if mine is not None and mine.decision in DECISIONS:
            found.append((mine.entry_id, work_id, mine.decision in RELEVANT))
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


class RankingProcess:
    """A ``Prioritiser`` in a process of its own, for the screening screen. Fitting the
    features of 100,000 works takes half a minute and training a second, all Python work
    holding the interpreter's lock: in a thread of the screen's process it would slow
    every keypress. The process (``python -m mnr.screening.ranking``) reads the works'
    texts from the library itself; requests and answers are pickled over its pipes."""

    def __init__(self, opener: tuple[str, str], work_ids: list[int]) -> None:
        import subprocess
        import sys

        self._process = subprocess.Popen(
            [sys.executable, "-m", "mnr.screening.ranking"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # never over the screen
        self._send((opener, work_ids))

    def _send(self, message: object) -> None:
        assert self._process.stdin is not None
        _write(self._process.stdin, message)

    def rank(self, labels: list[tuple[int, bool]], recall: float = 0.95,
             confidence: float = 0.95) -> Ranked:
        """Train on ``labels`` and rank (waits for the features the first time)."""
        assert self._process.stdout is not None
        try:
            self._send((labels, recall, confidence))
            answer = _read(self._process.stdout)
        except (OSError, EOFError) as error:
            raise MnrError(f"the relevance model stopped ({error})") from None
        if isinstance(answer, str):
            raise MnrError(f"the relevance model could not be trained: {answer}")
        order, test, labelled, seconds = answer
        return Ranked(order, {work_id: place for place, work_id in enumerate(order, 1)},
                      test, labelled, seconds)

    def close(self) -> None:
        import subprocess

        try:
            self._send(None)
            self._process.wait(2)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self._process.kill()


def _write(stream: Any, message: object) -> None:
    import pickle
    import struct

    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def _read(stream: Any) -> Any:
    import pickle
    import struct

    head = stream.read(8)
    if len(head) < 8:
        raise EOFError("the ranking process ended")
    (size,) = struct.unpack("<Q", head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the ranking process ended")
    return pickle.loads(data)  # noqa: S301 - our own child process, over its own pipe


def _serve() -> None:
    """The ranking process: the library and works first, features once, then a ranking
    for each request, until the screen says stop (None) or goes."""
    import sys

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    try:
        opener, work_ids = _read(stdin)
        from mnr.library import Library

        library = Library.reopen(opener)
        try:
            texts = library.screening.work_texts()
        finally:
            library.close()
        prioritiser = Prioritiser({work_id: texts.get(work_id, "") for work_id in work_ids})
        del texts
        while (request := _read(stdin)) is not None:
            ranked = prioritiser.rank(*request)
            _write(stdout, (ranked.order, ranked.test, ranked.labelled, ranked.seconds))
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        return
    except Exception as error:  # noqa: BLE001 - said to the screen, which goes on without
        try:
            _write(stdout, f"{type(error).__name__}: {error}")
        except OSError:
            pass


if __name__ == "__main__":
    _serve()
