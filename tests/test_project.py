"""Projects: creating one, finding it from below, and clear messages for a broken review.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from mnr.errors import MnrError, ProjectError
from mnr.project import Settings, find_project, init_project, load_settings


def test_init_writes_a_commented_protocol_and_folders(tmp_path: Path) -> None:
    project = init_project(tmp_path / "r", 'Care "planning"')
    text = project.review_file.read_text()
    assert text.lstrip().startswith("#")
    assert project.searches_dir.is_dir() and project.library_dir.is_dir()
    settings = load_settings(project.review_file)
    assert settings.title == 'Care "planning"'
    assert settings.stages == ["title", "abstract", "fulltext"]
    assert settings.exclusion_reasons and settings.highlight_include
    with pytest.raises(ProjectError, match="already"):
        init_project(tmp_path / "r", "again")


def test_init_leaves_out_of_git_only_the_cache(tmp_path: Path) -> None:
    """`mnr init` writes a .gitignore naming the library's cache and nothing else, and the
    judgement logs' .gitattributes; git then ignores exactly the cache."""
    import subprocess

    from click.testing import CliRunner

    from mnr.cli import main

    result = CliRunner().invoke(main, ["init", str(tmp_path / "r"), "--title", "Care"])
    assert result.exit_code == 0, result.output
    root = tmp_path / "r"
    rules = [line for line in (root / ".gitignore").read_text().splitlines()
             if line and not line.startswith("#")]
    assert rules == ["/library/library.sqlite*"]
    assert "merge=union" in (root / "judgements" / ".gitattributes").read_text()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for name in ("library/library.sqlite", "library/library.sqlite-wal", "library/prisma.png",
                 "judgements/BH.jsonl"):
        (root / name).write_text("x")
    ignored = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--ignored"],
                             capture_output=True, text=True, check=True).stdout
    assert "!! library/library.sqlite" in ignored and "library/prisma.png" not in [
        line[3:] for line in ignored.splitlines() if line.startswith("!!")]
    assert "?? judgements/" in ignored


def test_find_walks_up_to_the_nearest_review(tmp_path: Path) -> None:
    project = init_project(tmp_path / "r", "T")
    deep = project.root / "searches" / "a" / "b"
    deep.mkdir(parents=True)
    assert find_project(deep).root == project.root


def test_outside_a_project_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="mnr init"):
        find_project(tmp_path)


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    project = init_project(tmp_path / "r", "T")
    lines = project.review_file.read_text().splitlines()
    lines.insert(5, "question = 'unclosed")
    project.review_file.write_text("\n".join(lines))
    with pytest.raises(ProjectError, match="line 6"):
        project.settings()


def test_wrong_type_names_the_line_and_key(tmp_path: Path) -> None:
    project = init_project(tmp_path / "r", "T")
    text = project.review_file.read_text()
    text = text.replace('stages = ["title", "abstract", "fulltext"]', 'stages = "title"')
    project.review_file.write_text(text)
    expected_line = text.splitlines().index('stages = "title"') + 1
    with pytest.raises(ProjectError, match=rf"line {expected_line}: `screening.stages` must be"):
        project.settings()


def test_reviewers_and_stages_must_be_the_protocols() -> None:
    settings = Settings(title="T", reviewers=["BH", "MC"])
    settings.check_reviewer("MC")
    with pytest.raises(MnrError, match=r"^'ZZ' is not a reviewer of this review; review.toml "
                                       r"lists BH, MC \(add them under \[screening\]\)$"):
        settings.check_reviewer("ZZ")
    Settings(title="T").check_reviewer("anyone")  # no reviewers listed: anyone may decide
    settings.check_stage("abstract")
    with pytest.raises(MnrError, match="^there is no stage 'full'; review.toml's stages are "
                                       "title, abstract, fulltext$"):
        settings.check_stage("full")


# -- values that would make the counts meaningless (each refused with file, line, remedy) --

_SCREENING = '''[review]
title = "T"

[screening]
stages = ["title", "abstract", "fulltext"]
reviewers = ["BH", "MC"]
exclusion_reasons = ["Wrong population", "Full text not available"]
'''


@pytest.mark.parametrize(("old", "new", "message"), [
    ('reviewers = ["BH", "MC"]', 'reviewers = ["BH", "MC"]\nreviewers_per_work = 3',
     r"line 7: `screening.reviewers_per_work` must be at most the number of reviewers "
     r"\(2: BH, MC\)"),
    ('"abstract", "fulltext"]', '"abstract", "title"]',
     r"line 5: `screening.stages` must be a list of different, non-empty stage names"),
    ('reviewers = ["BH", "MC"]', "reviewers = []",
     r"line 6: `screening.reviewers` must be a list of the reviewers' initials"),
    ('reviewers = ["BH", "MC"]', 'reviewers = [""]',
     r"line 6: `screening.reviewers` must be a list of the reviewers' initials"),
    ('"Full text not available"]', '"Full text not available"]\n'
     'not_retrieved_reason = "No PDF"',
     r"line 8: `screening.not_retrieved_reason` must be one of `exclusion_reasons`"),
    ('reviewers = ["BH", "MC"]', 'reviewers = ["BH", "MC"]\nreason_required = ["full"]',
     r"line 7: `screening.reason_required` must be a list of stages from `stages` "
     r"\(title, abstract, fulltext\); 'full' is not one"),
    ('"Full text not available"]', '"Wrong population"]',
     r"line 7: `screening.exclusion_reasons` must be a list of different, non-empty reasons"),
    ('title = "T"', 'title = "T"\n\n[[tradition]]\nname = "Nursing"\n\n[[tradition]]\n'
     'name = 5', r"line 8: `tradition.name` must be a string in quotes"),
    ('title = "T"', 'title = "T"\n\n[[traditions]]\nname = "Nursing"',
     r"line 4: `traditions` must be written \[\[tradition\]\]"),
])
def test_settings_that_make_the_counts_meaningless_are_refused(
        tmp_path: Path, old: str, new: str, message: str) -> None:
    path = tmp_path / "review.toml"
    assert old in _SCREENING
    path.write_text(_SCREENING.replace(old, new, 1))
    with pytest.raises(ProjectError, match=rf"^{path}, {message}"):
        load_settings(path)


def test_the_settings_the_refusals_spare_are_read(tmp_path: Path) -> None:
    path = tmp_path / "review.toml"
    path.write_text(_SCREENING + 'reviewers_per_work = 2\nreason_required = ["abstract"]\n'
                    'not_retrieved_reason = "Full text not available"\n')
    settings = load_settings(path)
    assert (settings.reviewers_per_work, settings.reason_required,
            settings.not_retrieved_reason) == (2, ["abstract"], "Full text not available")
    path.write_text(_SCREENING.replace('reviewers = ["BH", "MC"]\n', ""))
    assert load_settings(path).reviewers == []  # no key: anyone may decide, as before


def test_init_where_nothing_can_be_written_says_so_and_leaves_no_review_toml(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk (or a read-only folder) while the log is written: one message, and no
    review.toml left to make the next `mnr init` say the folder is a review already."""
    import errno
    import os

    write_text = Path.write_text

    def full(path: Path, text: str, *args: object, **kwargs: object) -> int:
        if path.name == "log.toml":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return write_text(path, text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(ProjectError, match=r"log.toml: could not be written \(No space left "
                                           r"on device\); no review was made$"):
        init_project(tmp_path / "r", "T")
    assert not (tmp_path / "r" / "review.toml").exists()
    monkeypatch.undo()
    assert init_project(tmp_path / "r", "T").settings().title == "T"
