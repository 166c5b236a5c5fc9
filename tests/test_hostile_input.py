"""The hostile-input corpus (tests/hostile/, plus the big cases tests/hostile/generate.py makes)
driven through ``entrypoint.py`` as the runner drives the container, against the fake GitHub.

Every bad case must end with exit 2, one ``::error`` annotation (file:line:col where known),
one ``lumina-wave: error:`` line, no traceback, no call that writes to GitHub, in bounded time
(a safety limit, not a benchmark) and under a 1 GiB address-space limit. Valid-but-hostile cases
must plan, with untrusted text verbatim in plan.json and inert everywhere else. The token is
never printed except in the ``::add-mask::`` line.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile.generate import GENERATED, generate

from lumina_wave.action import MAX_ANNOTATIONS
from lumina_wave.errors import MAX_PROBLEM_LINES

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "entrypoint.py"
CORPUS = Path(__file__).resolve().parent / "hostile"
TOKEN = "ghs_h0stileT0kenNeverPrinted1234567890ab"
TIME_LIMIT = 120  # seconds per case: a hang fails (TimeoutExpired); speed is not asserted
MEMORY_LIMIT = 1024**3  # RLIMIT_AS: a blow-up fails instead of swapping
WRITES = {"POST", "PATCH", "PUT", "DELETE"}
SLOWEST: dict[str, float] = {}

# case file -> what follows "<manifest path>:" in the error line ("line:col: message", or
# " message" where no position applies); for a file with several problems, (the first, how many)
BAD_MANIFESTS = {
    # issue 16: a bracket or quote never closed is reported where it opens, not at the file's end
    "syntax-unclosed-flow.yml": "2:9: YAML syntax error: the [ here is never closed with ]",
    "syntax-unterminated-quote.yml": '4:12: YAML syntax error: unterminated quote: the " here is never closed',
    "syntax-bad-indent.yml": "4:4: YAML syntax error: expected <block end>, but found '<block mapping start>'",
    "tab-indent.yml": (
        "3:1: YAML syntax error: found character '\\t' that cannot start any token; YAML indents with spaces,"
        " not tabs"
    ),
    "number-string.yml": (
        "3:13: issues[0].number: expected integer, got string; write 12 without quotes (quoted, it is text)"
    ),
    "number-float.yml": "3:13: issues[0].number: expected integer, got number",
    "number-bool.yml": "3:13: issues[0].number: expected integer, got boolean",
    "number-exponent.yml": "3:13: issues[0].number: expected integer, got number",
    "number-zero.yml": "3:13: issues[0].number: 0 is less than the minimum of 1",
    "wave-zero.yml": "4:11: issues[0].wave: 0 is less than the minimum of 1",
    "depends-on-string.yml": "4:17: issues[0].depends_on: expected array, got string",
    "draft-yes.yml": (
        "3:10: defaults.draft: expected boolean, got string; write true or false ('yes' is text in YAML 1.2)"
    ),
    "title-date.yml": (
        "4:12: issues[0].title: expected string, got date; YAML reads this unquoted value as a date:"
        " quote it to make it text"
    ),
    "title-bad-date.yml": (
        "4:12: unreadable value: month must be in 1..12; YAML reads an unquoted 2024-13-45 as a date: quote it"
    ),
    "unknown-key-typo.yml": "4:5: unknown key 'dependson' in issues[0]; did you mean 'depends_on'?",
    "colon-in-value.yml": (
        "4:15: YAML syntax error: mapping values are not allowed here; quote a value that holds ': '"
        ' (title: "a: b")'
    ),
    "unknown-key.yml": "4:5: unknown key 'colour' in issues[0]",
    "unknown-top-key.yml": "2:1: unknown key 'waves' in the manifest",
    "key-integer.yml": "4:1: unknown key 1 in the manifest",
    "key-complex.yml": "4:3: unknown key <list> in the manifest",
    "duplicate-key.yml": '4:5: YAML syntax error: found duplicate key "number" with value "2" (original value: "1")',
    "duplicate-issue.yml": "5:5: issue #7 is listed twice (first listed at {path}:3:5)",
    "duplicate-dependency.yml": "5:17: issues[1].depends_on: lists the same issue twice",
    "self-dependency.yml": "4:18: issue #1 depends on itself",
    "cycle.yml": "4:18: dependency cycle: 1 -> 3 -> 2 -> 1 (each depends on the next)",
    "unknown-reference.yml": "5:21: issue #2 depends on #99, which is not in the plan",
    "version-2.yml": "1:10: unsupported manifest version 2; this lumina-wave reads version 1",
    "empty.yml": " the manifest is empty",
    "only-comment.yml": " the manifest is empty",
    "top-level-list.yml": "1:1: the manifest: expected object, got list",
    "multi-document.yml": "4:1: YAML syntax error: but found another document",
    "python-tag.yml": "3:5: issues[0]: expected object, got list",
    "python-name-tag.yml": (
        "4:12: issues[0].title: expected string, got a value tagged tag:yaml.org,2002:python/name:os.system"
    ),
    "merge-bad-type.yml": ("4:11: issues[0].kind: expected string, got list", 2),  # and the merged title
    "recursive-alias.yml": "2:9: issues[0]: expected object, got null",
    "nul-byte.yml": "4:14: character U+0000 is not allowed in YAML",
    "non-utf8.yml": "4:15: not UTF-8: byte 0xe9 cannot be decoded",
    # issue 15: each of these once ended in a traceback
    "version-empty-int.yml": "2:10: unreadable value: not a valid !!int",
    "draft-empty-bool.yml": "7:10: unreadable value: not a valid !!bool",
    "title-surrogate-pair.yml": (
        "5:12: not valid Unicode: U+D83D is half of a UTF-16 surrogate pair; write the character itself,"
        " not its \\u escapes"
    ),
    "key-lone-surrogate.yml": (
        "5:5: not valid Unicode: U+DFFF is half of a UTF-16 surrogate pair; write the character itself,"
        " not its \\u escapes"
    ),
    # generated at test time (tests/hostile/generate.py)
    "alias-bomb.yml": "10:15: more than 250,000 values (an alias counts as often as it is used)",
    "deep-flow.yml": "2:72: nested deeper than 64 levels",
    "deep-block.yml": "3:129: nested deeper than 64 levels",
    "issues-100k.yml": "20002:5: more than 10,000 issues; split the wave into several manifests",
    # every one of the 40,000 bad dependencies is a problem: the first 100 are shown, the rest counted
    "dict-dependencies.yml": ("4:18: issues[0].depends_on[0]: expected integer, got mapping", 40_000),
    "long-number.yml": (
        "3:13: unreadable value: Exceeds the limit (4300 digits) for integer string conversion: "
        "value has 5000 digits"
    ),
    "size-50mb.yml": " the manifest is 52,428,833 bytes; the limit is 5,242,880",
}

# bad action inputs (besides the manifest): inputs -> the whole message (no file position)
BAD_INPUTS = {
    "max-jobs-abc": (
        {"max-jobs-per-wave": "abc"},
        "input 'max-jobs-per-wave' must be a whole number, got 'abc'",
    ),
    "max-jobs-zero": ({"max-jobs-per-wave": "0"}, "input 'max-jobs-per-wave' must be at least 1, got 0"),
    "max-jobs-negative": (
        {"max-jobs-per-wave": "-1"},
        "input 'max-jobs-per-wave' must be at least 1, got -1",
    ),
    "epic-not-a-number": ({"epic": "12abc"}, "input 'epic' must be a whole number, got '12abc'"),
    "include-dependencies-yes": (
        {"include-dependencies": "yes"},
        "input 'include-dependencies' must be true or false, got 'yes'",
    ),
    "command-path": (
        {"command": "../../x"},
        "input 'command' must be one of plan, prepare, collect, publish, summarize, previous, got '../../x'",
    ),
    "label-with-commas": (
        {"label": "wave,urgent"},
        "label must be one non-empty label name without commas, got 'wave,urgent'",
    ),
    "repository-path": (
        {"label": "wave", "repository": "../../x"},
        "repository must be OWNER/NAME, got '../../x'",
    ),
    "manifest-absolute-outside": (
        {"manifest": "/etc/passwd"},
        "manifest path '/etc/passwd' is outside the workspace '{workspace}'",
    ),
    "manifest-relative-outside": (
        {"manifest": "../outside.yml"},
        "manifest path '../outside.yml' is outside the workspace '{workspace}'",
    ),
    "manifest-symlink-outside": (
        {"manifest": "link.yml"},
        "manifest path 'link.yml' is outside the workspace '{workspace}'",
    ),
    "manifest-directory": ({"manifest": "cases"}, "cases: not a regular file"),
    "manifest-newline-forgery": (
        {"manifest": "x.yml\n::warning::forged"},
        "x.yml\\n: :warning: :forged: no such file",  # printed lines carry no workflow command
    ),
    "no-source-no-token": (
        {"github-token": ""},
        "reading issues from GitHub needs a token (GITHUB_TOKEN or input github-token)",
    ),
}


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate(tmp_path_factory.mktemp("hostile-generated"))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace with every case under ``cases/``, a file outside it, and a symlink to that file."""
    ws = tmp_path / "workspace"
    (ws / "cases").mkdir(parents=True)
    outside = tmp_path / "outside.yml"
    outside.write_text("version: 1\nissues:\n  - number: 1\n")
    (ws / "link.yml").symlink_to(outside)
    return ws


def case_path(name: str, workspace: Path, generated: dict[str, Path]) -> str:
    """Put case ``name`` into the workspace; returns its path relative to the workspace."""
    source = generated[name] if name in GENERATED else CORPUS / name
    shutil.copyfile(source, workspace / "cases" / name)
    return f"cases/{name}"


def run_action(workspace: Path, fake, inputs: dict[str, str], extra_env: dict[str, str] | None = None):
    """entrypoint.py as the runner runs it; returns (process, seconds, outputs file, summary file)."""
    files = workspace.parent
    output, summary = files / "output", files / "summary"
    output.write_text("")
    summary.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_", "RUNNER_"))}
    env.update(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_REPOSITORY": "octo-org/r",
            "GITHUB_API_URL": fake.api,
            "INPUT_COMMAND": "plan",
            "INPUT_GITHUB-TOKEN": TOKEN,
            **(extra_env or {}),
        }
    )
    env.update({"INPUT_" + name.upper(): value for name, value in inputs.items()})
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ENTRYPOINT)],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_limit_memory,
    )
    return done, time.perf_counter() - started, output, summary


def expected_lines(first: str, problems: int = 1) -> list[str]:
    """The error lines of a file with ``problems`` problems, the first ``first``: one line each
    up to MAX_PROBLEM_LINES, then how many more."""
    lines = [f"lumina-wave: error: {first}"] + [None] * (min(problems, MAX_PROBLEM_LINES) - 1)
    if problems > MAX_PROBLEM_LINES:
        lines.append(f"lumina-wave: error: … and {problems - MAX_PROBLEM_LINES:,} more problems")
    return lines


def assert_refused(done, fake, message: str, annotation: str, problems: int = 1) -> None:
    """Exit 2, an annotation and an error line per problem (the first equal to ``message``; at
    most MAX_ANNOTATIONS and MAX_PROBLEM_LINES), no traceback, no writes."""
    out = done.stdout + done.stderr
    assert done.returncode == 2, out[-2000:]
    assert "Traceback" not in out
    errors = [line for line in done.stdout.splitlines() if line.startswith("::error")]
    assert len(errors) == min(problems, MAX_ANNOTATIONS), errors
    assert not [line for line in done.stdout.splitlines() if line.startswith("::warning")]  # none forged
    assert errors[0].startswith(annotation), errors[0]
    lines = [line for line in out.splitlines() if "lumina-wave: error:" in line]
    expected = expected_lines(message, problems)
    assert [None if want is None else line for line, want in zip(lines, expected, strict=True)] == expected
    assert not [r for r in fake.requests if r.method in WRITES]
    assert TOKEN not in out.replace(f"::add-mask::{TOKEN}", "")


@pytest.mark.parametrize("name", sorted(BAD_MANIFESTS))
def test_bad_manifest_is_one_line_exit_2(name, workspace, generated, fake_github):
    path = case_path(name, workspace, generated)
    done, seconds, output, _ = run_action(workspace, fake_github, {"manifest": path})
    SLOWEST[name] = seconds
    expected, problems = case_problems(name)
    expected = expected.replace("{path}", path)
    position = expected.split(": ", 1)[0].split(":")
    annotation = f"::error file={path}"
    if all(p.isdigit() for p in position) and len(position) == 2:
        annotation += f",line={position[0]},col={position[1]}::"
    assert_refused(done, fake_github, f"{path}:{expected}", annotation, problems)
    assert output.read_text() == ""  # no outputs: the wave does not start


@pytest.mark.parametrize("name", sorted(BAD_MANIFESTS))
def test_cli_validate_refuses_the_same_way(name, generated):
    path = generated[name] if name in GENERATED else CORPUS / name
    done = subprocess.run(
        [sys.executable, "-m", "lumina_wave", "validate", "--manifest", str(path)],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_limit_memory,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    expected, problems = case_problems(name)
    lines = expected_lines(f"{path}:{expected.replace('{path}', str(path))}", problems)
    got = done.stderr.splitlines()
    assert [None if want is None else line for line, want in zip(got, lines, strict=True)] == lines
    assert all(line.startswith(f"lumina-wave: error: {path}:") for line in got[:MAX_PROBLEM_LINES])


def case_problems(name: str) -> tuple[str, int]:
    """The first error of case ``name`` and how many problems it has."""
    expected = BAD_MANIFESTS[name]
    return (expected, 1) if isinstance(expected, str) else expected


def test_python_tags_construct_nothing(workspace, generated, fake_github):
    path = case_path("python-tag.yml", workspace, generated)
    done, *_ = run_action(workspace, fake_github, {"manifest": path})
    assert done.returncode == 2
    assert not list(workspace.rglob("pwned*"))


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_exit_2(name, workspace, fake_github):
    inputs, message = BAD_INPUTS[name]
    message = message.replace("{workspace}", str(workspace))
    done, seconds, output, _ = run_action(workspace, fake_github, inputs)
    SLOWEST[name] = seconds
    assert_refused(done, fake_github, message, "::error")
    assert not fake_github.requests  # refused before any call to GitHub
    assert output.read_text() == ""


def test_token_given_to_another_input_is_redacted(workspace, fake_github):
    done, *_ = run_action(workspace, fake_github, {"epic": TOKEN})
    assert_refused(done, fake_github, "input 'epic' must be a whole number, got '***'", "::error")
    assert done.stdout.splitlines()[0] == f"::add-mask::{TOKEN}"


@pytest.mark.parametrize("debug", ["LUMINA_WAVE_DEBUG", "RUNNER_DEBUG"])
def test_token_is_never_printed_when_github_answers_401(debug, workspace, fake_github):
    fake_github.handlers["issues/list-for-repo"] = lambda request: (401, {"message": "Bad credentials"}, {})
    done, *_ = run_action(workspace, fake_github, {"label": "wave"}, {debug: "1"})
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "401 Bad credentials" in done.stdout
    assert "the token is missing, expired or revoked" in done.stdout
    assert done.stdout.splitlines()[0] == f"::add-mask::{TOKEN}"
    assert out.count(TOKEN) == 1
    assert "Traceback" not in out
    assert fake_github.calls("issues/list-for-repo")
    assert not [r for r in fake_github.requests if r.method in WRITES]


def test_hostile_text_plans_verbatim_and_stays_inert(workspace, generated, fake_github):
    path = case_path("ok-hostile-text.yml", workspace, generated)
    done, _, _, summary = run_action(workspace, fake_github, {"manifest": path})
    assert done.returncode == 0, done.stdout + done.stderr
    plan = json.loads((workspace / ".lumina-wave" / "plan.json").read_text(encoding="utf-8"))
    titles = {e["issue"]: e["title"] for e in plan["issues"]}
    assert titles[11] == (
        "$(touch pwned-title) `touch pwned-tick`; touch pwned-semi && echo ${{ github.token }}"
    )
    assert titles[14] == "%0A::error::percent-encoded newline ${GITHUB_TOKEN} \\ \" ' \t end"
    assert plan["issues"][0]["body"].startswith("line one\n::error file=x::forged annotation\n")
    assert titles[15].startswith("Fixes #11 and closes octo-org/r#2 ##[add-mask]x")  # verbatim
    assert [[e["issue"] for e in wave] for wave in plan["waves"]] == [[11, 15], [12, 13], [14]]
    assert not list(workspace.rglob("pwned*"))  # nothing was run
    # no untrusted text reaches the log or the job summary, so no forged command or marker works
    # (the printed lines that do carry titles: tests/test_e2e_hostile_text.py)
    assert [line for line in done.stdout.splitlines() if line.startswith("::")] == [f"::add-mask::{TOKEN}"]
    assert "##[" not in done.stdout + done.stderr
    assert "<!--" not in summary.read_text() and "forged" not in summary.read_text()
    assert not [r for r in fake_github.requests if r.method in WRITES]


@pytest.mark.parametrize("name", ["ok-bom.yml", "ok-merge-key.yml", "ok-long-title.yml"])
def test_odd_but_valid_manifests_plan(name, workspace, generated, fake_github):
    path = case_path(name, workspace, generated)
    done, seconds, *_ = run_action(workspace, fake_github, {"manifest": path})
    SLOWEST[name] = seconds
    assert done.returncode == 0, done.stdout + done.stderr
    plan = json.loads((workspace / ".lumina-wave" / "plan.json").read_text(encoding="utf-8"))
    assert plan["issues"]
    if name == "ok-long-title.yml":
        assert plan["issues"][0]["title"] == "x" * 1_000_000
        assert plan["waves"] == [[{"issue": 1, "wave": 1}]]  # the matrix carries no title
    assert not [r for r in fake_github.requests if r.method in WRITES]


def test_corpus_size_and_slowest_case():
    """At least 30 cases; the slowest one is reported (``pytest -s`` shows it)."""
    assert len(BAD_MANIFESTS) + len(BAD_INPUTS) >= 30
    if SLOWEST:
        name = max(SLOWEST, key=SLOWEST.get)
        print(f"\nhostile corpus: {len(SLOWEST)} action runs, slowest {name} {SLOWEST[name]:.2f} s")
