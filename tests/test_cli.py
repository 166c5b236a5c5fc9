"""The command line as a user meets it: every command described with examples and exit codes,
every option with help and its default, one name per concept across commands, the commands in
pipeline order, and the old spellings of 0.1 still working (hidden, with a warning)."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lumina_wave import cli
from lumina_wave.arguments import HIDDEN

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "luminaguard.yml"
PIPELINE = [
    "previous",
    "plan",
    "validate",
    "prepare",
    "collect",
    "publish",
    "finish",
    "summarize",
    "local",
    "demo",
]

# concept -> (option, metavar or None for a flag, the commands that take it)
CONCEPTS = {
    "the manifest": ("--manifest", "PATH", {"plan", "validate", "local"}),
    "plan.json": ("--plan", "FILE", {"prepare", "collect", "publish", "finish", "summarize"}),
    "result records": ("--results-dir", "DIR", {"prepare", "publish", "finish", "summarize"}),
    "the GitHub repository": (
        "--github-repo",
        "OWNER/NAME",
        {"previous", "plan", "publish", "finish", "local"},
    ),
    "the repository directory": ("--repo-dir", "DIR", {"local"}),
    "the base branch": ("--base", "BRANCH", {"prepare", "publish", "local"}),
    "the issue of a leg": ("--issue", "N", {"prepare", "collect", "finish"}),
    "the agent's outcome": ("--agent-outcome", None, {"collect", "finish"}),
    "prepare's state": ("--context-dir", "DIR", {"prepare", "collect", "finish"}),
    "the bundle and drafts": ("--out-dir", "DIR", {"collect", "publish"}),
    "stacked branches": ("--stack", None, {"prepare", "publish", "local"}),
    "the output format": ("--format", None, {"plan", "summarize"}),
    "labels of the PRs": ("--pr-label", "LABEL", {"finish", "publish"}),
}
# spellings no command may show: each concept above has one name
RETIRED = {"--repo", "--results", "--repository", "--results-directory", "--dir", "--manifest-path"}


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def visible_options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.option_strings and a.help is not HIDDEN and a.dest != "help"]


def test_commands_are_listed_in_pipeline_order():
    assert list(subcommands()) == PIPELINE
    listing = cli.build_parser().format_help().split("  COMMAND\n", 1)[1].split("\n\n", 1)[0]
    listed = [line.split()[0] for line in listing.splitlines() if line.startswith("    ") and line[4] != " "]
    assert listed == PIPELINE


@pytest.mark.parametrize("name", PIPELINE)
def test_every_command_has_a_description_examples_and_exit_codes(name):
    parser = subcommands()[name]
    text = parser.format_help()
    assert parser.description and len(parser.description) > 40
    examples = text.split("examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert examples and all(f"lumina-wave {name}" in line for line in examples)
    codes = text.split("exit codes:\n", 1)[1].splitlines()
    assert codes[0].strip().startswith("0  ")
    assert all(line.strip().split()[0].isdigit() for line in codes if line.strip())


@pytest.mark.parametrize("name", PIPELINE)
def test_every_option_has_help_and_shows_its_default(name):
    parser = subcommands()[name]
    for action in visible_options(parser):
        assert action.help and len(action.help) > 10, action.option_strings
        default = action.default
        if default not in (None, "", [], argparse.SUPPRESS) and not isinstance(default, bool):
            # argparse.HelpFormatter expands the help exactly as --help prints it
            shown = parser._get_formatter()._expand_help(action)
            assert "default" in shown, (name, action.option_strings, shown)
            if "%(default)" not in (action.help or "") and "default" not in action.help:
                assert str(default) in shown


def test_the_main_help_documents_the_exit_codes():
    text = cli.build_parser().format_help()
    codes = text.split("exit codes:\n", 1)[1]
    for code in ("0", "1", "2", "130"):
        assert f"\n  {code}  " in "\n" + codes


@pytest.mark.parametrize("concept", sorted(CONCEPTS))
def test_one_name_per_concept(concept):
    option, metavar, commands = CONCEPTS[concept]
    for name, parser in subcommands().items():
        names = {s for a in visible_options(parser) for s in a.option_strings}
        assert (option in names) == (name in commands), (concept, name)
        if name in commands and metavar is not None:
            action = next(a for a in visible_options(parser) if option in a.option_strings)
            assert action.metavar == metavar, (concept, name, action.metavar)


def test_no_command_shows_a_retired_spelling():
    for name, parser in subcommands().items():
        shown = {s for a in visible_options(parser) for s in a.option_strings}
        assert not shown & RETIRED, name
        assert not [a for a in parser._actions if not a.option_strings and a.help is not HIDDEN], name


def test_the_human_format_is_text_everywhere():
    for name in ("plan", "summarize"):
        action = next(a for a in subcommands()[name]._actions if "--format" in a.option_strings)
        assert action.default == "text" and "text" in action.choices


@pytest.mark.parametrize(
    ("argv", "dest", "value", "new"),
    [
        (["plan", "--repo", "o/r"], "repo", "o/r", "--github-repo"),
        (["plan", "--format", "table"], "format", "text", "'text'"),
        (["publish", "--wave", "1", "--repo", "o/r"], "repo", "o/r", "--github-repo"),
        (
            ["finish", "--issue", "1", "--agent-outcome", "success", "--repo", "o/r"],
            "repo",
            "o/r",
            "--github-repo",
        ),
        (["summarize", "--results", "old"], "results", "old", "--results-dir"),
        (["local", "--repo", "somewhere"], "repo", "somewhere", "--repo-dir"),
    ],
)
def test_old_spellings_still_work_with_a_warning(argv, dest, value, new, capsys):
    args = cli.build_parser().parse_args(argv)
    assert getattr(args, dest) == value
    assert f"is now {new}; the old spelling goes in 0.2.0" in capsys.readouterr().err


def test_old_and_new_label_spellings_add_up(capsys):
    argv = ["finish", "--issue", "1", "--agent-outcome", "success", "--pr-label", "a", "--label", "b"]
    assert cli.build_parser().parse_args(argv).labels == ["a", "b"]
    assert "--label is now --pr-label" in capsys.readouterr().err


def test_the_new_spellings_are_quiet(capsys):
    args = cli.build_parser().parse_args(["summarize", "--results-dir", "new", "--format", "text"])
    assert args.results == "new"
    assert capsys.readouterr().err == ""


def run(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lumina_wave", *argv], capture_output=True, text=True, cwd=cwd, timeout=60
    )


def test_validate_takes_the_manifest_both_ways():
    new, old = run("validate", "--manifest", str(EXAMPLE)), run("validate", str(EXAMPLE))
    assert new.returncode == old.returncode == 0
    assert new.stdout == old.stdout == f"{EXAMPLE}: ok (3 issues, 2 waves)\n"
    assert new.stderr == ""
    assert old.stderr == (
        "lumina-wave: warning: validate PATH is now validate --manifest PATH; the old spelling goes in 0.2.0\n"
    )


def test_validate_defaults_to_the_repository_manifest(tmp_path):
    (tmp_path / ".github").mkdir()
    shutil.copyfile(EXAMPLE, tmp_path / ".github" / "waves.yml")
    done = run("validate", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, ".github/waves.yml: ok (3 issues, 2 waves)\n")


def test_old_summarize_spelling_reads_the_same_records(tmp_path):
    plan = tmp_path / "plan.json"
    assert run("plan", "--manifest", str(EXAMPLE), "--output", str(plan)).returncode == 0
    (tmp_path / "results").mkdir()
    new = run(
        "summarize", "--plan", str(plan), "--results-dir", str(tmp_path / "results"), "--format", "json"
    )
    old = run("summarize", "--plan", str(plan), "--results", str(tmp_path / "results"), "--format", "json")
    assert new.returncode == old.returncode == 1  # nothing done yet
    assert json.loads(new.stdout) == json.loads(old.stdout)
    assert "--results is now --results-dir" in old.stderr and new.stderr == ""
