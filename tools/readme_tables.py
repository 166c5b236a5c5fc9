"""Generate the README's tables of the action's inputs and outputs (from action.yml) and of the
reusable workflow's inputs, secrets and outputs (from .github/workflows/wave.yml).

Usage: ``python tools/readme_tables.py [--check] [--action action.yml] [--workflow WAVE.yml]
[--readme README.md]``

The tables go between ``<!-- SECTION:start -->`` and ``<!-- SECTION:end -->`` markers, SECTION
one of ``inputs``, ``outputs`` (the action's), ``workflow-inputs``, ``workflow-secrets`` and
``workflow-outputs``; everything outside the markers stays as it is. ``--check`` writes nothing
and exits 1 with a diff when the README is out of date. Exit 2: a marker or a source file is
missing or malformed.
"""

from __future__ import annotations

import argparse
import difflib
import html
import re
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

SECTIONS = ("inputs", "outputs")
WORKFLOW_SECTIONS = ("workflow-inputs", "workflow-secrets", "workflow-outputs")
DEFAULT_WORKFLOW = Path(".github/workflows/wave.yml")


class TablesError(Exception):
    """The tables cannot be rendered or placed (exit 2)."""


def load_action(path: Path) -> dict[str, Any]:
    """An action's or a workflow's metadata, as plain data."""
    try:
        action = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TablesError(f"{path}: cannot read: {error.strerror}") from None
    except YAMLError as error:
        raise TablesError(f"{path}: not valid YAML: {error}".replace("\n", " ")) from None
    if not isinstance(action, dict):
        raise TablesError(f"{path}: not an action (a mapping with inputs and outputs)")
    return action


def cell(text: object) -> str:
    """A Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", r"\|")


def prose(text: object) -> str:
    """A description cell: also shows ``<id>`` as text instead of an HTML tag."""
    return html.escape(cell(text), quote=False)


def code(text: str) -> str:
    """An inline code span that holds ``text`` even when it contains backticks."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{cell(text)}{pad}{fence}"


def _entries(action: dict[str, Any], section: str) -> dict[str, dict[str, Any]]:
    entries = action.get(section) or {}
    if not isinstance(entries, dict) or not all(isinstance(v, dict | None) for v in entries.values()):
        raise TablesError(f"action.yml: {section} must map names to their descriptions")
    return {str(name): spec or {} for name, spec in entries.items()}


def inputs_table(action: dict[str, Any]) -> str:
    """Markdown table of every input: name, description, default, required."""
    rows = ["| Name | Description | Default | Required |", "| --- | --- | --- | --- |"]
    for name, spec in _entries(action, "inputs").items():
        default = spec.get("default")
        default_cell = "" if default is None or default == "" else code(str(default))
        required = "yes" if spec.get("required") is True else "no"
        rows.append(f"| {code(name)} | {prose(spec.get('description', ''))} | {default_cell} | {required} |")
    return "\n".join(rows)


def workflow_call(workflow: dict[str, Any], source: str = "wave.yml") -> dict[str, Any]:
    """The ``on.workflow_call`` mapping of a reusable workflow (YAML 1.1 readers key ``on`` as True)."""
    triggers = workflow.get("on", workflow.get(True))
    call = triggers.get("workflow_call") if isinstance(triggers, dict) else None
    if not isinstance(call, dict):
        raise TablesError(f"{source}: not a reusable workflow (no on.workflow_call)")
    return call


def workflow_inputs_table(call: dict[str, Any]) -> str:
    """Markdown table of a reusable workflow's inputs: name, description, type, default, required."""
    rows = ["| Name | Description | Type | Default | Required |", "| --- | --- | --- | --- | --- |"]
    for name, spec in _entries(call, "inputs").items():
        default = spec.get("default")
        if isinstance(default, bool):
            default = str(default).lower()
        default_cell = "" if default is None or default == "" else code(str(default))
        required = "yes" if spec.get("required") is True else "no"
        rows.append(
            f"| {code(name)} | {prose(spec.get('description', ''))} | {spec.get('type', '')} "
            f"| {default_cell} | {required} |"
        )
    return "\n".join(rows)


def workflow_secrets_table(call: dict[str, Any]) -> str:
    """Markdown table of a reusable workflow's secrets: name, description, required."""
    rows = ["| Name | Description | Required |", "| --- | --- | --- |"]
    for name, spec in _entries(call, "secrets").items():
        required = "yes" if spec.get("required") is True else "no"
        rows.append(f"| {code(name)} | {prose(spec.get('description', ''))} | {required} |")
    return "\n".join(rows)


def outputs_table(action: dict[str, Any]) -> str:
    """Markdown table of every output: name, description."""
    rows = ["| Name | Description |", "| --- | --- |"]
    for name, spec in _entries(action, "outputs").items():
        rows.append(f"| {code(name)} | {prose(spec.get('description', ''))} |")
    return "\n".join(rows)


def replace_between(text: str, section: str, body: str, source: str = "README.md") -> str:
    """``text`` with what lies between the section's start and end markers replaced by ``body``."""
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    for marker in (start, end):
        if text.count(marker) != 1:
            problem = "no" if marker not in text else "more than one"
            raise TablesError(f"{source} has {problem} {marker} marker")
    head, rest = text.split(start)
    if end not in rest:
        raise TablesError(f"{source}: {end} comes before {start}")
    tail = rest.split(end)[1]
    return f"{head}{start}\n{body}\n{end}{tail}"


def render_readme(
    readme: str, action: dict[str, Any], source: str = "README.md", workflow: dict[str, Any] | None = None
) -> str:
    """The README with the action's tables rendered from ``action`` and, when given, the reusable
    workflow's from ``workflow``."""
    readme = replace_between(readme, "inputs", inputs_table(action), source)
    readme = replace_between(readme, "outputs", outputs_table(action), source)
    if workflow is None:
        return readme
    call = workflow_call(workflow)
    readme = replace_between(readme, "workflow-inputs", workflow_inputs_table(call), source)
    readme = replace_between(readme, "workflow-secrets", workflow_secrets_table(call), source)
    return replace_between(readme, "workflow-outputs", outputs_table(call), source)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 with a diff when README is out of date")
    parser.add_argument("--action", type=Path, default=Path("action.yml"))
    parser.add_argument(
        "--workflow", type=Path, help=f"the reusable workflow (default: {DEFAULT_WORKFLOW}, if it exists)"
    )
    parser.add_argument("--readme", type=Path, default=Path("README.md"))
    args = parser.parse_args(argv)
    try:
        try:
            with args.readme.open(encoding="utf-8", newline="") as file:
                old = file.read()
        except OSError as error:
            raise TablesError(f"{args.readme}: cannot read: {error.strerror}") from None
        workflow_file = args.workflow or (DEFAULT_WORKFLOW if DEFAULT_WORKFLOW.is_file() else None)
        workflow = load_action(workflow_file) if workflow_file else None
        new = render_readme(old, load_action(args.action), str(args.readme), workflow)
    except TablesError as error:
        print(f"readme_tables: {error}", file=sys.stderr)
        return 2
    if new == old:
        return 0
    if args.check:
        diff = difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            f"{args.readme} (as it is)",
            f"{args.readme} (from {args.action})",
        )
        sys.stdout.writelines(diff)
        print(f"{args.readme} is out of date: run python tools/readme_tables.py", file=sys.stderr)
        return 1
    with args.readme.open("w", encoding="utf-8", newline="") as file:
        file.write(new)
    print(f"{args.readme}: tables written from {args.action}" + (f" and {workflow_file}" if workflow else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
