"""The team's decision to stop screening a stage by the stopping rule, and what a methods
section says of it.

The rule is tested on the team's settled outcomes (works decided by as many
reviewers as the protocol asks, in agreement or resolved), in the order they were
first decided. Once the team stops, the works nobody screened at that stage count in
PRISMA 2020's "records marked as ineligible by automation tools"; a work screened
later still counts as screened.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mnr.errors import MnrError
from mnr.library import Library
from mnr.library.models import Stop
from mnr.project import Settings
from mnr.screening.priority import DEFAULT, MODELS
from mnr.screening.ranking import RELEVANT
from mnr.screening.state import DECISIONS, Stage, load
from mnr.screening.stopping import RULE, StopTest, hypergeometric


def team_outcomes(stage: Stage) -> list[bool]:
    """Whether each settled work is relevant (Y or M), in the order first decided."""
    found: list[tuple[int, bool]] = []
    for work_id, work in stage.works.items():
        outcome = stage.outcome(work_id)
        if outcome not in DECISIONS:
            continue
        said = [entries[0].entry_id for entries in work.decisions.values() if entries]
        said += [entry.entry_id for entry in work.resolutions]
        found.append((min(said), outcome in RELEVANT))
    found.sort()
    return [relevant for _, relevant in found]


def rule_at(library: Library, settings: Settings, stage: str, recall: float = 0.95,
            confidence: float = 0.95) -> StopTest:
    """Where the stopping rule stands at ``stage``, on the team's settled outcomes."""
    found = load(library, settings).stage(stage)
    return hypergeometric(team_outcomes(found), len(found.work_ids), recall, confidence)


def record_stop(library: Library, settings: Settings, stage: str, reviewer: str,
                recall: float = 0.95, confidence: float = 0.95, force: bool = False,
                note: str | None = None) -> tuple[Stop, StopTest]:
    """Record the decision to stop ``stage``; refused at the last stage (reports are
    assessed there), when the stage was stopped already, or when the rule does not
    say stop yet (unless ``force``, which the methods statement then says)."""
    if stage not in settings.stages:
        raise MnrError(f"there is no stage {stage!r}; review.toml's stages are "
                       f"{', '.join(settings.stages)}")
    if stage == settings.stages[-1] and len(settings.stages) > 1:
        raise MnrError(f"{stage} is the last stage, where reports are assessed one by one; "
                       "a stopping rule ends the screening of titles or abstracts")
    if any(stop.stage == stage for stop in library.screening.stops()):
        raise MnrError(f"screening at the {stage} stage was stopped already")
    test = rule_at(library, settings, stage, recall, confidence)
    if not test.stop and not force:
        raise MnrError(f"the {stage} stage: {test.says()}. Screen on (in relevance order), "
                       "or give --force to stop anyway (the methods statement will say so)")
    stop = Stop(stage, RULE, recall, confidence, test.p, test.screened, test.total,
                test.found, DEFAULT, reviewer,
                datetime.now(UTC).isoformat(timespec="seconds"),
                note or ("stopped before the rule was met" if not test.stop else None))
    library.screening.stop(stop)
    return stop, test


def methods_statement(stops: list[Stop], blind: bool = False) -> str:
    """One paragraph for a methods section: the model, its features, the stopping rule and
    its parameters, when and where screening stopped."""
    if not stops:
        return ""
    said = []
    for stop in stops:
        model = MODELS.get(stop.model)
        left = stop.total - stop.screened
        reached = stop.p < 1 - stop.confidence
        said.append(
            f"At the {stop.stage} stage, screening stopped on {stop.stopped_at[:10]} after "
            f"{stop.screened:,} of {stop.total:,} records ({stop.found:,} judged relevant), "
            + (f"when the hypergeometric stopping rule (Callaghan & Müller-Hansen 2020) "
               f"showed that the target recall of {stop.recall:.0%} had been reached with "
               f"{stop.confidence:.0%} confidence (p = {stop.p:.3f})"
               if reached else
               f"before the hypergeometric stopping rule (Callaghan & Müller-Hansen 2020) "
               f"showed the target recall of {stop.recall:.0%} at {stop.confidence:.0%} "
               f"confidence (p = {stop.p:.3f}); the team stopped regardless")
            + f"; the {left:,} records not screened are reported as marked ineligible by "
              "automation tools.")
        model_text = model.description if model else stop.model
    return (
        "Records were screened in order of predicted relevance (prioritised screening) "
        "with mnr: the relevance model, retrained as decisions were made, was "
        f"{model_text}, on TF-IDF features of words and word pairs in the title, abstract "
        "and keywords, learning from include and maybe decisions as relevant. "
        + ("Under blind dual screening each reviewer's order was learnt from their own "
           "decisions and settled outcomes only. " if blind else "")
        + "The stopping rule treats the most recently screened records "
        "as a sample of those not yet screened and tests the hypothesis that recall is "
        "below the target. " + " ".join(said))
