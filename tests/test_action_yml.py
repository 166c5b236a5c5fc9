"""action.yml agrees with the code: the inputs it reads, the outputs it sets, the Docker runtime.

The code's inputs and outputs are found by parsing the package with ``ast``: calls of the
Runner's input methods (``runner.input("name")``, ``bool_input``, ``int_input``, …) and of
``set_output`` with a literal name; and the inputs the action commands' option specs declare
(``SPEC``, which lumina_wave/options.py reads).
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from lumina_wave.commands import ACTION_COMMANDS
from lumina_wave.options import flat
from lumina_wave.runner import Runner

ROOT = Path(__file__).resolve().parent.parent
INPUT_METHODS = frozenset(name for name in vars(Runner) if name.endswith("input"))
# The action's commands that have no module yet: what action.yml declares only for them may
# go unread until they exist.
PENDING_COMMANDS = frozenset(
    c for c in ACTION_COMMANDS if not (ROOT / "lumina_wave/commands" / f"{c}.py").exists()
)


def load_action() -> dict:
    return YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))


def source_files() -> list[Path]:
    return [ROOT / "entrypoint.py", *sorted((ROOT / "lumina_wave").rglob("*.py"))]


def runner_calls(methods: frozenset[str], files: list[Path]) -> tuple[dict[str, list[str]], list[str]]:
    """Literal first arguments of calls ``<anything>.<method>(...)`` with their places, and
    the places of such calls whose name is not a literal string (they cannot be checked)."""
    names: dict[str, list[str]] = {}
    dynamic: list[str] = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in methods
                and node.args
            ):
                continue
            place = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}:{node.lineno}"
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.setdefault(first.value, []).append(place)
            # Runner's own methods pass their `name` parameter on, options.py the input of an
            # Option of a SPEC (spec_inputs): those are not reads of their own.
            elif not (
                path.name == "runner.py" and isinstance(first, ast.Name) and first.id == "name"
            ) and not (
                path.name == "options.py" and isinstance(first, ast.Attribute) and first.attr == "input"
            ):
                dynamic.append(place)
    return names, dynamic


def test_the_scan_finds_what_a_command_reads(tmp_path: Path) -> None:
    module = tmp_path / "mod.py"
    module.write_text(
        "def run_action(r):\n"
        "    r.input('manifest'); r.bool_input('stack'); r.int_input('epic', 3)\n"
        "    r.set_output('waves', []); r.input(f'x{1}'); print.input\n"
    )
    inputs, dynamic = runner_calls(INPUT_METHODS, [module])
    outputs, _ = runner_calls(frozenset({"set_output"}), [module])
    assert set(inputs) == {"manifest", "stack", "epic"}
    assert dynamic == ["mod.py:3"]
    assert set(outputs) == {"waves"}


def test_the_runner_has_the_input_methods_the_scan_looks_for() -> None:
    assert {"input", "bool_input", "int_input"} <= INPUT_METHODS


def spec_inputs() -> dict[str, list[str]]:
    """The inputs the action commands' option specs declare, with their commands."""
    names: dict[str, list[str]] = {}
    for command in sorted(set(ACTION_COMMANDS) - PENDING_COMMANDS):
        for option in flat(importlib.import_module(f"lumina_wave.commands.{command}").SPEC):
            if option.input:
                names.setdefault(option.input, []).append(f"lumina_wave/commands/{command}.py SPEC")
    return names


@pytest.fixture(scope="module")
def code_inputs() -> dict[str, list[str]]:
    names, dynamic = runner_calls(INPUT_METHODS, source_files())
    assert not dynamic, f"inputs read with a computed name cannot be checked against action.yml: {dynamic}"
    for name, places in spec_inputs().items():
        names.setdefault(name, []).extend(places)
    return names


@pytest.fixture(scope="module")
def code_outputs() -> dict[str, list[str]]:
    names, dynamic = runner_calls(frozenset({"set_output"}), source_files())
    assert not dynamic, f"outputs set with a computed name cannot be checked against action.yml: {dynamic}"
    return names


def test_every_input_the_code_reads_is_declared(code_inputs: dict[str, list[str]]) -> None:
    declared = set(load_action()["inputs"])
    undeclared = {name: places for name, places in code_inputs.items() if name not in declared}
    assert not undeclared, f"inputs read but not declared in action.yml: {undeclared}"


def commands_of(spec: dict) -> frozenset[str]:
    """The commands a description starts with (``"prepare, finish: …"``); empty for all commands."""
    head = re.match(r"([a-z, ]+):", spec.get("description", ""))
    names = frozenset(head.group(1).replace(",", " ").split()) if head else frozenset()
    return names if names <= set(ACTION_COMMANDS) else frozenset()


def test_descriptions_name_their_commands() -> None:
    assert commands_of({"description": "prepare, collect: the issue number"}) == {"prepare", "collect"}
    assert commands_of({"description": "Token for the GitHub API: a PAT"}) == frozenset()
    assert commands_of({"description": "note: general"}) == frozenset()


def unused(declared: dict, used: dict) -> list[str]:
    """Declared names no code uses, except those only for commands not written yet."""
    return sorted(
        name
        for name, spec in declared.items()
        if name not in used and not (commands_of(spec or {}) and commands_of(spec) <= PENDING_COMMANDS)
    )


def test_every_declared_input_is_read(code_inputs: dict[str, list[str]]) -> None:
    unread = unused(load_action()["inputs"], code_inputs)
    assert not unread, f"inputs declared in action.yml that no code reads: {unread}"


def test_every_output_the_code_sets_is_declared(code_outputs: dict[str, list[str]]) -> None:
    declared = set(load_action()["outputs"])
    undeclared = {name: places for name, places in code_outputs.items() if name not in declared}
    assert not undeclared, f"outputs set but not declared in action.yml: {undeclared}"


def test_every_declared_output_is_set(code_outputs: dict[str, list[str]]) -> None:
    unset = unused(load_action()["outputs"], code_outputs)
    assert not unset, f"outputs declared in action.yml that no code sets: {unset}"


def test_only_the_runner_reads_input_variables() -> None:
    """Inputs go through Runner (one naming rule); no module reads ``INPUT_*`` itself."""
    readers = []
    for path in source_files():
        if path.name == "runner.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "INPUT_" in node.value:
                readers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not readers


def test_inputs_and_outputs_are_documented() -> None:
    action = load_action()
    for kind in ("inputs", "outputs"):
        missing = [name for name, spec in action[kind].items() if not (spec or {}).get("description")]
        assert not missing, f"{kind} without a description: {missing}"
    assert action["name"] and action["description"] and action["branding"]


def test_the_action_runs_the_repository_dockerfile() -> None:
    runs = load_action()["runs"]
    assert runs["using"] == "docker"
    assert runs["image"] == "Dockerfile"
    assert (ROOT / runs["image"]).is_file()


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in joined.splitlines()
        if line.strip()
    ]


def test_the_dockerfile_follows_githubs_rules_for_docker_actions() -> None:
    instructions = dockerfile_instructions()
    keywords = [keyword for keyword, _ in instructions]
    assert instructions[0] == ("ARG", "BASE_IMAGE=python:3.12-slim")
    froms = [args for keyword, args in instructions if keyword == "FROM"]
    assert all(args.split()[0] == "${BASE_IMAGE}" for args in froms)
    assert len(froms) >= 2, "a build stage keeps build tools out of the final image"
    final = keywords[len(keywords) - 1 - keywords[::-1].index("FROM") :]
    assert "USER" not in keywords, "Docker actions run as root"
    assert "WORKDIR" not in keywords, "the runner sets the working directory to /github/workspace"
    entrypoints = [args for keyword, args in instructions if keyword == "ENTRYPOINT"]
    assert len(entrypoints) == 1 and "ENTRYPOINT" in final
    assert entrypoints[0].startswith("["), "exec form, so signals reach Python"
    final_runs = " ".join(args for keyword, args in instructions[-len(final) :] if keyword == "RUN")
    assert "safe.directory" in final_runs and "--system" in final_runs
