"""Each command's options, declared once: one :class:`Option` gives both the CLI option
(:func:`add_arguments`) and the action input (:func:`read_inputs`), so the CLI and the action offer
the same options by construction. An option that only one side has says why (``why``);
tests/test_options_parity.py holds the two sides to this."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from lumina_wave.errors import InputError

if TYPE_CHECKING:
    import argparse

    from lumina_wave.plan import Plan
    from lumina_wave.runner import Runner

Kind = Literal["str", "int", "bool", "maybe", "list", "numbers"]
T = TypeVar("T")


@dataclass(frozen=True)
class Option:
    """One option of a command: the action input ``input`` and the CLI option ``flag`` (None:
    that side does not have it, and ``why`` says why), stored in the options object's ``field``.

    ``kind`` is how both sides spell the value: ``str``; ``int`` (at least ``minimum``); ``bool``
    (a CLI flag; true or false as an input); ``maybe`` (the same, unset is None); ``list`` (a
    repeatable CLI option; a comma-separated input); ``numbers`` (one number on the CLI; a list of
    issue or PR numbers as an input). ``parse`` checks and converts an input's text (empty gives
    ``default``), ``cli_type`` the CLI's (argparse's ``type``); ``required`` makes the CLI option required (the command checks the input).
    ``old`` are hidden old CLI spellings (:func:`lumina_wave.arguments.old_spelling`)."""

    field: str
    input: str | None
    flag: str | None
    help: str = ""
    kind: Kind = "str"
    default: Any = ""
    metavar: str | None = None
    choices: Sequence[str] | None = None
    required: bool = False
    minimum: int = 1
    parse: Callable[[str], Any] | None = None
    cli_type: Callable[[str], Any] | None = None
    old: Sequence[str] = ()
    why: str = ""


@dataclass(frozen=True)
class Group:
    """Options with an options object of their own (``cls``, its fields ``spec``'s), held in the
    command's options object as ``field``: what several commands, or a seam, share."""

    field: str
    cls: type
    spec: Sequence[Option]


Spec = Sequence["Option | Group"]


def flat(spec: Spec) -> list[Option]:
    """Every option of ``spec``, those of its groups included."""
    return [o for entry in spec for o in (flat(entry.spec) if isinstance(entry, Group) else (entry,))]


def option(
    name: str, help: str = "", *, field: str | None = None, flag: str | None = "", **kw: Any
) -> Option:
    """An option both sides have: input ``name``, CLI ``--name`` (or ``flag``; None for none)."""
    cli = f"--{name}" if flag == "" else flag
    return Option(field or name.replace("-", "_"), name, cli, help, **kw)


def cli_only(flag: str, help: str, why: str, *, field: str | None = None, **kw: Any) -> Option:
    """A CLI option the action has no input for, and why."""
    return Option(field or flag.lstrip("-").replace("-", "_"), None, flag, help, why=why, **kw)


def input_only(name: str, why: str, *, field: str | None = None, **kw: Any) -> Option:
    """An action input the CLI has no option for, and why."""
    return Option(field or name.replace("-", "_"), name, None, why=why, **kw)


def add_arguments(parser: argparse.ArgumentParser, spec: Spec) -> None:
    """The CLI options of ``spec``, in its order, each with its hidden old spellings."""
    from lumina_wave.arguments import old_spelling

    for opt in flat(spec):
        if opt.flag is None:
            continue
        kw: dict[str, Any] = {"dest": opt.field, "help": opt.help}
        if opt.kind in ("bool", "maybe"):
            kw |= {"action": "store_true", "default": None if opt.kind == "maybe" else False}
        else:
            kw |= {"metavar": opt.metavar, "default": [] if opt.kind == "list" else opt.default}
            if opt.kind in ("int", "numbers"):
                kw["type"] = int
            if opt.cli_type is not None:
                kw["type"] = opt.cli_type
            if opt.kind == "list":
                kw["action"] = "append"
            if opt.choices is not None:
                kw["choices"] = opt.choices
                kw.pop("metavar")
            if opt.required:
                kw["required"] = True
        parser.add_argument(opt.flag, **kw)
        for old in opt.old:
            old_spelling(parser, old, opt.flag, opt.field, append=opt.kind == "list")


def read_args(args: argparse.Namespace, spec: Spec) -> dict[str, Any]:
    """The values of ``spec`` from parsed CLI arguments (an input-only option: its default)."""
    values: dict[str, Any] = {}
    for opt in spec:
        if isinstance(opt, Group):
            values[opt.field] = build(opt.cls, read_args(args, opt.spec))
            continue
        if opt.flag is None:
            values[opt.field] = opt.default
            continue
        value = getattr(args, opt.field)
        if opt.kind == "list":
            value = tuple(value)
        elif opt.kind == "numbers":
            value = () if value is None else (value,)
        values[opt.field] = value
    return values


def read_inputs(runner: Runner, spec: Spec) -> dict[str, Any]:
    """The values of ``spec`` from the action's inputs (a CLI-only option: its default)."""
    return {
        opt.field: build(opt.cls, read_inputs(runner, opt.spec))
        if isinstance(opt, Group)
        else _input(runner, opt)
        if opt.input
        else _cli_default(opt)
        for opt in spec
    }


def _cli_default(opt: Option) -> Any:
    return {"bool": False, "maybe": None, "list": (), "numbers": ()}.get(opt.kind, opt.default)


def _input(runner: Runner, opt: Option) -> Any:
    assert opt.input is not None
    if opt.kind == "bool":
        return runner.bool_input(opt.input, bool(opt.default))
    if opt.kind == "maybe":
        return runner.bool_input(opt.input) if runner.input(opt.input) else None
    if opt.kind == "int":
        return runner.int_input(opt.input, opt.default, minimum=opt.minimum)
    text = runner.input(opt.input)
    if opt.kind == "list":
        return tuple(part.strip() for part in text.split(",") if part.strip())
    if opt.kind == "numbers":
        from lumina_wave.publish import parse_numbers

        return tuple(parse_numbers(text, opt.input))
    if opt.parse is not None:
        return opt.parse(text)
    if opt.choices is not None and text and text not in opt.choices:
        raise InputError(f"input '{opt.input}' must be one of {', '.join(opt.choices)}, got {text!r}")
    return text or opt.default


def build(cls: type[T], values: dict[str, Any]) -> T:
    """The options object ``cls`` (a dataclass) from ``values``; every field must have a value."""
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    assert names == set(values), f"{cls.__name__}: {sorted(names ^ set(values))}"
    return cls(**values)


def from_cli(cls: type[T], spec: Spec, args: argparse.Namespace) -> T:
    return build(cls, read_args(args, spec))


def from_action(cls: type[T], spec: Spec, runner: Runner) -> T:
    return build(cls, read_inputs(runner, spec))


# --- options several commands share -------------------------------------------------------


def plan_file(default: str) -> Option:
    return option(
        "plan-file", "the plan (plan.json)", field="plan", flag="--plan", metavar="FILE", default=default
    )


PLAN_DIGEST = option(
    "plan-digest", "the plan job's plan-digest: the plan must match it (default: any plan)", metavar="SHA256"
)
ISSUE = option(
    "issue", "the issue of the leg (required)", kind="int", metavar="N", required=True, default=None
)
AGENT_OUTCOME_HELP = "how the agent's step ended, as GitHub's steps.<id>.outcome says (required)"
BASE = option("base", "base branch (default: the plan's, else origin's HEAD)", metavar="BRANCH")
AUTHOR = option("author", "the commit's author (default: the Actions bot)", metavar="'NAME <EMAIL>'")
PR_LABELS = option(
    "labels",
    "a label to add to each PR (repeatable; default: none)",
    flag="--pr-label",
    kind="list",
    metavar="LABEL",
    old=("--label",),
)
PR_TITLE = option("pr-title", "PR title; {issue} and {title} are replaced", metavar="TEXT")
PR_BODY_TEMPLATE = option(
    "pr-body-template",
    "PR body; {issue}, {title}, {base} are replaced, and Closes #N is always added",
    metavar="TEXT",
)
PR_ON_FAILURE = option("pr-on-failure", "open a PR even when the agent failed", kind="bool")
COMMIT_MESSAGE = option(
    "commit-message",
    "commit message for what the agent left uncommitted; {issue} and {title} are replaced",
    metavar="TEXT",
)
# The fields of the PR options above (and draft) in a command's options object, as FinishOptions names them.
PR_FIELDS = ("draft", "labels", "pr_title", "pr_body_template", "pr_on_failure")


def pr_fields(options: Any) -> dict[str, Any]:
    """How ``options`` (of finish or publish) says to open the PRs, as :class:`~lumina_wave.legs.FinishOptions` fields."""
    return {name: getattr(options, name) for name in PR_FIELDS}


CONTEXT_DIR_WHY = "the action puts the context files where the runner's agent step can read them"
COMMENT_ON_WHY = "the CLI writes no comments"


def repository(help: str) -> Option:
    """``repository``: the GitHub repository a command reads or writes (CLI ``--github-repo``)."""
    return option(
        "repository", help, field="repo", flag="--github-repo", metavar="OWNER/NAME", old=("--repo",)
    )


def existing_branch() -> Option:
    """``existing-branch`` (prepare, publish): what a leg does with a branch others committed to."""
    from lumina_wave.existing import DEFAULT_MODE, MODES, parse_mode

    return option(
        "existing-branch",
        "a feature/issue-N with commits of others: build on it, restart it (keeping a backup ref) "
        "or leave the issue alone (default: %(default)s)",
        choices=MODES,
        default=DEFAULT_MODE,
        parse=parse_mode,
    )


def check_issue(plan: Plan, issue: int | None) -> int:
    """The ``issue`` option: required, and an issue of ``plan``."""
    if issue is None:
        raise InputError("input 'issue' is required")
    if issue not in plan.items:
        raise InputError(f"issue #{issue} is not in plan {plan.plan_id}")
    return issue


# The action's inputs that action.py reads for every command, and why the CLI has no option for them.
ENTRY_INPUTS = {
    "command": "the CLI names the command as its subcommand",
    "github-token": "the CLI reads the token from GITHUB_TOKEN, never from its arguments",
    "max-wait": "the CLI's retry cap is LUMINA_WAVE_MAX_WAIT",
}
