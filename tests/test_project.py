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
