"""The CLI and the action offer the same options: for every command that is both a CLI
subcommand and a value of the action's ``command`` input, the action inputs it reads (its
``SPEC``; action.yml names them for it) and its CLI options are the same set, except the options
its spec declares for one side only, each saying why (lumina_wave/options.py)."""

from __future__ import annotations

import argparse
import ast
import dataclasses
import importlib
import inspect
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from lumina_wave import cli
from lumina_wave.arguments import HIDDEN
from lumina_wave.commands import ACTION_COMMANDS
from lumina_wave.options import ENTRY_INPUTS, Group, Option, cli_only, flat, input_only, option

ROOT = Path(__file__).resolve().parent.parent
SUBCOMMANDS = dict(
    next(a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
)
BOTH = sorted(set(ACTION_COMMANDS) & set(SUBCOMMANDS))
INPUTS = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))["inputs"]


def named_commands(description: str) -> frozenset[str]:
    """The commands an input's description names (``"prepare, collect: …; publish: …"``)."""
    names: set[str] = set()
    for clause in description.split("; "):
        head = re.match(r"([a-z]+(?:, [a-z]+)*): ", clause)
        if head and set(head[1].split(", ")) <= set(ACTION_COMMANDS):
            names |= set(head[1].split(", "))
    return frozenset(names)


def inputs_for(command: str, declared: dict) -> set[str]:
    """The inputs action.yml declares for ``command``."""
    return {name for name, spec in declared.items() if command in named_commands(spec.get("description", ""))}


def cli_options(parser: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    """The parser's option strings: (shown, hidden old spellings); --help left out."""
    shown, hidden = set(), set()
    for action in parser._actions:
        if action.option_strings and action.dest != "help":
            (hidden if action.help is HIDDEN else shown).update(action.option_strings)
    return shown, hidden


def literal_reads(path: Path) -> list[str]:
    """Inputs a module reads itself (``runner.input("x")``, …) instead of through its spec."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("input", "bool_input", "int_input")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]


def problems(
    command: str,
    spec: Sequence[Option],
    parser: argparse.ArgumentParser,
    declared: dict,
    reads: Iterable[str] = (),
) -> list[str]:
    """What keeps the two sides of ``command`` from being the same options; empty when they are."""
    found = []
    shown, hidden = cli_options(parser)
    flags = {o.flag for o in spec if o.flag}
    inputs = {o.input for o in spec if o.input}
    found += [f"{command}: CLI option {f} is not in the spec" for f in sorted(shown - flags)]
    found += [f"{command}: spec option {f} is not on the CLI" for f in sorted(flags - shown)]
    old = {s for o in spec for s in o.old}
    found += [
        f"{command}: hidden CLI option {f} is no old spelling of the spec" for f in sorted(hidden - old)
    ]
    found += [f"{command}: input {n!r} is read outside the spec" for n in sorted(set(reads))]
    found += [
        f"{command}: action.yml names input {n!r} for it but the spec has none"
        for n in sorted(inputs_for(command, declared) - inputs)
    ]
    found += [f"{command}: spec input {n!r} is not in action.yml" for n in sorted(inputs - set(declared))]
    found += [
        f"{command}: {o.flag or o.input} is on one side only and does not say why"
        for o in spec
        if (o.flag is None) != (o.input is None) and not o.why
    ]
    found += [f"{command}: {o.field} is on neither side" for o in spec if o.flag is None and o.input is None]
    return found


@pytest.mark.parametrize("command", BOTH)
def test_the_cli_and_the_action_offer_the_same_options(command: str) -> None:
    module = importlib.import_module(f"lumina_wave.commands.{command}")
    reads = literal_reads(ROOT / "lumina_wave" / "commands" / f"{command}.py")
    assert problems(command, flat(module.SPEC), SUBCOMMANDS[command], INPUTS, reads) == []


@pytest.mark.parametrize("command", [*BOTH, "finish"])
def test_the_options_object_holds_exactly_the_spec(command: str) -> None:
    module = importlib.import_module(f"lumina_wave.commands.{command}")
    options = getattr(module, inspect.signature(module.run).parameters["options"].annotation)
    assert [f.name for f in dataclasses.fields(options)] == [o.field for o in module.SPEC]
    assert options.__dataclass_params__.frozen
    for group in (g for g in module.SPEC if isinstance(g, Group)):
        assert [f.name for f in dataclasses.fields(group.cls)] == [o.field for o in group.spec]
        assert group.cls.__dataclass_params__.frozen


def test_the_commands_compared_are_the_actions() -> None:
    assert sorted(ACTION_COMMANDS) == BOTH


def test_every_input_for_all_commands_is_read_at_the_entry_or_by_a_command() -> None:
    general = {name for name, spec in INPUTS.items() if not named_commands(spec.get("description", ""))}
    specs = {o.input for c in BOTH for o in flat(importlib.import_module(f"lumina_wave.commands.{c}").SPEC)}
    assert general - set(ENTRY_INPUTS) <= specs
    assert set(ENTRY_INPUTS) <= general and all(ENTRY_INPUTS.values())


def test_descriptions_name_their_commands_in_each_clause() -> None:
    assert named_commands("plan, publish: the x; previous: the first") == {"plan", "publish", "previous"}
    assert named_commands("plan: the least permission (exit 2): read, triage") == {"plan"}
    assert named_commands("What to do: previous, plan") == frozenset()


# --- the comparison fails when an option is on one side only ---------------------------------

SPEC = (option("plan-file", "the plan", field="plan", flag="--plan"), option("issue", "the leg's issue"))
DECLARED = {"plan-file": {"description": "prepare: plan"}, "issue": {"description": "prepare: issue"}}


def parser_of(spec: Sequence[Option], *extra: str) -> argparse.ArgumentParser:
    from lumina_wave.options import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser, spec)
    for flag in extra:
        parser.add_argument(flag, help="only here")
    return parser


def test_the_same_options_on_both_sides_pass() -> None:
    assert problems("prepare", SPEC, parser_of(SPEC), DECLARED) == []


def test_an_option_added_to_the_cli_only_fails() -> None:
    assert problems("prepare", SPEC, parser_of(SPEC, "--new"), DECLARED) == [
        "prepare: CLI option --new is not in the spec"
    ]


def test_an_input_added_to_the_action_only_fails() -> None:
    declared = {**DECLARED, "new": {"description": "prepare, publish: new"}}
    assert problems("prepare", SPEC, parser_of(SPEC), declared) == [
        "prepare: action.yml names input 'new' for it but the spec has none"
    ]
    assert problems("prepare", SPEC, parser_of(SPEC), DECLARED, ["new"]) == [
        "prepare: input 'new' is read outside the spec"
    ]


def test_a_one_sided_option_must_say_why() -> None:
    silent = (*SPEC, input_only("new", ""), cli_only("--other", "only on the CLI", ""))
    declared = {**DECLARED, "new": {"description": "prepare: new"}}
    assert problems("prepare", silent, parser_of(silent), declared) == [
        "prepare: new is on one side only and does not say why",
        "prepare: --other is on one side only and does not say why",
    ]
    said = (*SPEC, input_only("new", "because"), cli_only("--other", "only on the CLI", "because"))
    assert problems("prepare", said, parser_of(said), declared) == []
