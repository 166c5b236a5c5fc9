"""The agent recipes of examples/agents/, run by ``lumina-wave local`` in a real repository.

Each real CLI is replaced by a stand-in executable on PATH that prints what the real one
documents (Claude Code's final ``--output-format json`` object, Codex's ``exec --json`` JSONL
events, Gemini CLI's ``--output-format json`` object with ``stats.models``, aider's "Cost:" line),
records the command line and the stdin it got, and edits the work tree as an agent would. The
recipe runs as ``bash examples/agents/<name>.sh``, as the reusable workflow's agent step runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_local import Sandbox, git, make_sandbox

ROOT = Path(__file__).resolve().parents[1]
RECIPES = ROOT / "examples" / "agents"
HOSTILE_TITLE = "Fix $(touch pwned) `id` ; rm -rf ~"

STANDIN = r"""
import json, os, sys
from pathlib import Path

name = Path(sys.argv[0]).name
args = sys.argv[1:]
mode = json.loads(os.environ.get("STANDIN_MODES", "{}")).get(name, "ok")
if name == "aider":
    prompt = Path(args[args.index("--message-file") + 1]).read_text()
else:
    prompt = sys.stdin.read()
Path(os.environ["STANDIN_LOG"], name + ".json").write_text(json.dumps({"args": args, "stdin": prompt}))
heading = next(line for line in prompt.splitlines() if line.startswith("# #"))  # the context file's
Path(f"{name}-did-it.txt").write_text(heading + "\n")  # the work: a change in the tree
usage = {"input_tokens": 12, "cache_creation_input_tokens": 3400, "cache_read_input_tokens": 52000,
         "output_tokens": 1830, "server_tool_use": {"web_search_requests": 0}, "service_tier": "standard"}
if mode == "garbage":
    print("Error: something went wrong before any JSON")
    sys.exit(1)
if name == "claude":
    print(json.dumps({"type": "result", "subtype": "error_during_execution" if mode == "error" else "success",
        "is_error": mode == "error", "duration_ms": 16049, "duration_api_ms": 15987, "num_turns": 8,
        "result": "Done: the change is in the tree.", "session_id": "f18f49de-5b8f", "total_cost_usd": 0.34641975,
        "usage": usage, "modelUsage": {"claude-sonnet-4-5-20250929": {"inputTokens": 12, "outputTokens": 1830,
        "cacheReadInputTokens": 52000, "cacheCreationInputTokens": 3400, "costUSD": 0.34641975}},
        "permission_denials": [], "uuid": "49ef0707"}))
elif name == "codex":
    events = [{"type": "thread.started", "thread_id": "0199a213"}, {"type": "turn.started"},
        {"type": "item.completed", "item": {"id": "item_0", "type": "reasoning", "text": "thinking"}},
        {"type": "item.completed", "item": {"id": "item_1", "type": "agent_message", "text": "Changed it."}},
        {"type": "turn.completed", "usage": {"input_tokens": 26549, "cached_input_tokens": 22272, "output_tokens": 1590}},
        {"type": "turn.started"},
        {"type": "turn.completed", "usage": {"input_tokens": 6245, "cached_input_tokens": 5376, "output_tokens": 407}}]
    if mode == "error":
        events[-1] = {"type": "turn.failed", "error": {"message": "stream disconnected"}}
    print("WARNING: not json, a log line")
    for event in events:
        print(json.dumps(event))
elif name == "gemini":
    def model(prompt, candidates, cached, thoughts):
        return {"api": {"totalRequests": 2, "totalErrors": 0, "totalLatencyMs": 5053},
                "tokens": {"prompt": prompt, "candidates": candidates, "total": prompt + candidates + thoughts,
                           "cached": cached, "thoughts": thoughts, "tool": 0}}
    models = {"gemini-2.5-pro": model(24939, 20, 21263, 154)}
    if mode == "two-models":
        models["gemini-2.5-flash"] = model(1000, 100, 0, 0)
    out = {"response": "Made the change.", "stats": {"models": models,
           "tools": {"totalCalls": 3, "totalSuccess": 3}, "files": {"totalLinesAdded": 1, "totalLinesRemoved": 0}}}
    if mode == "error":
        out = {"response": None, "error": {"type": "ApiError", "message": "quota exceeded", "code": 429}}
    print(json.dumps(out, indent=2))
    sys.exit(1 if mode == "error" else 0)
elif name == "aider":
    print("Aider v0.86.1\nMain model: anthropic/claude-sonnet-4-5 with diff edit format")
    print("Tokens: 9.4k sent, 2.1k cache write, 612 received. Cost: $0.04 message, $0.04 session.")
    print("Applied edit to aider-did-it.txt")
    print("Tokens: 12k sent, 9.4k cache hit, 301 received. Cost: $0.0123 message, $0.0523 session.")
sys.exit(1 if mode == "error" else 0)
"""


class Recipes:
    """A sandbox repository with the four stand-in CLIs on PATH."""

    def __init__(self, box: Sandbox) -> None:
        self.box = box
        self.bin = box.root / "bin"
        self.bin.mkdir()
        self.log = box.root / "standin-log"
        self.log.mkdir()
        for name in ("claude", "codex", "gemini", "aider"):
            path = self.bin / name
            path.write_text(f"#!{sys.executable}\n{STANDIN}")
            path.chmod(0o755)
        self.manifest = box.root / "wave.yml"
        self.manifest.write_text(
            f"version: 1\nissues:\n  - number: 7\n    title: {json.dumps(HOSTILE_TITLE)}\n"
        )

    def run(
        self, recipe: str, modes: dict[str, str] | None = None, *extra: str
    ) -> subprocess.CompletedProcess:
        env = {
            **os.environ,
            "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}",
            "STANDIN_LOG": str(self.log),
            "STANDIN_MODES": json.dumps(modes or {}),
        }
        agent = f"bash {RECIPES / recipe}"
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "lumina_wave",
                "local",
                "--manifest",
                str(self.manifest),
                "--agent",
                agent,
                *extra,
            ],
            cwd=self.box.repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def called(self, name: str) -> dict:
        return json.loads((self.log / f"{name}.json").read_text())

    def record(self) -> dict:
        return self.box.records()[7]

    def leg_log(self) -> str:
        return (self.box.repo / ".lumina-wave" / "logs" / "issue-7.log").read_text()


@pytest.fixture
def recipes(tmp_path: Path) -> Recipes:
    return Recipes(make_sandbox(tmp_path))


EXPECTED = {
    "claude.sh": {
        "model": "claude-sonnet-4-5-20250929",
        "input_tokens": 12 + 52000 + 3400,
        "cached_tokens": 52000,
        "output_tokens": 1830,
        "cost_usd": 0.34641975,
        "turns": 8,
    },
    "codex.sh": {
        "model": None,
        "input_tokens": 26549 + 6245,
        "cached_tokens": 22272 + 5376,
        "output_tokens": 1590 + 407,
        "cost_usd": None,
        "turns": 2,
    },
    "gemini.sh": {
        "model": "gemini-2.5-pro",
        "input_tokens": 24939,
        "cached_tokens": 21263,
        "output_tokens": 20 + 154,
        "cost_usd": None,
        "turns": None,
    },
    "aider.sh": {
        "model": None,
        "input_tokens": None,
        "cached_tokens": None,
        "output_tokens": None,
        "cost_usd": 0.0523,
        "turns": None,
    },
}
FLAGS = {
    "claude.sh": ["-p", "--output-format", "json", "--permission-mode", "acceptEdits"],
    "codex.sh": ["exec", "--json", "--sandbox", "workspace-write", "-"],
    "gemini.sh": ["-p", "--output-format", "json", "--approval-mode", "yolo"],
    "aider.sh": ["--message-file", "--yes-always", "--no-auto-commits", "--no-dirty-commits"],
}


@pytest.mark.parametrize("recipe", sorted(EXPECTED))
def test_a_recipe_works_the_issue_and_reports_its_usage(recipes: Recipes, recipe: str):
    done = recipes.run(recipe)
    assert done.returncode == 0, done.stderr + recipes.leg_log()
    record = recipes.record()
    assert record["status"] == "success" and record["commit"], record
    cli = recipe.removesuffix(".sh")
    # The work the CLI left in the tree is what lumina-wave committed on the issue's branch.
    committed = git(recipes.box.repo, "show", f"feature/issue-7:{cli}-did-it.txt")
    assert committed == "# #7: the issue this leg works on\n"  # the title is in the untrusted block
    assert record["usage"] == EXPECTED[recipe]
    called = recipes.called(cli)
    for flag in FLAGS[recipe]:
        assert flag in called["args"], (flag, called["args"])
    # The issue's text reaches the CLI on stdin or in a file, never on its command line.
    assert HOSTILE_TITLE in called["stdin"]
    assert not any("touch pwned" in arg for arg in called["args"])
    assert not (recipes.box.repo / "pwned").exists()
    assert not list(recipes.box.root.rglob("pwned"))
    summary = (recipes.box.repo / ".lumina-wave" / "summary.md").read_text()
    assert "### What it cost" in summary


def test_claude_is_error_fails_the_leg_and_still_reports_the_cost(recipes: Recipes):
    done = recipes.run("claude.sh", {"claude": "error"})
    assert done.returncode == 1
    record = recipes.record()
    assert record["status"] == "failed" and record["agent_outcome"] == "failure"
    assert record["usage"]["cost_usd"] == 0.34641975


def test_codex_turn_failed_fails_the_leg_with_the_tokens_of_the_turns_that_completed(recipes: Recipes):
    done = recipes.run("codex.sh", {"codex": "error"})
    assert done.returncode == 1
    record = recipes.record()
    assert record["status"] == "failed"
    assert record["usage"]["input_tokens"] == 26549 and record["usage"]["turns"] == 1
    assert "stream disconnected" in recipes.leg_log()


def test_gemini_with_two_models_sums_their_tokens_and_names_no_model(recipes: Recipes):
    assert recipes.run("gemini.sh", {"gemini": "two-models"}).returncode == 0
    usage = recipes.record()["usage"]
    assert (usage["model"], usage["input_tokens"], usage["output_tokens"]) == (None, 25939, 274)


def test_gemini_error_object_fails_the_leg(recipes: Recipes):
    assert recipes.run("gemini.sh", {"gemini": "error"}).returncode == 1
    assert recipes.record()["usage"] is None
    assert "quota exceeded" in recipes.leg_log()


@pytest.mark.parametrize("recipe", sorted(EXPECTED))
def test_output_without_json_fails_the_leg_and_reports_nothing(recipes: Recipes, recipe: str):
    done = recipes.run(recipe, {recipe.removesuffix(".sh"): "garbage"})
    assert done.returncode == 1
    record = recipes.record()
    assert record["status"] == "failed" and record["usage"] is None
    assert "something went wrong" in recipes.leg_log()


def test_a_rerun_does_not_report_the_usage_of_the_run_before(recipes: Recipes):
    assert recipes.run("claude.sh").returncode == 0
    assert recipes.record()["usage"]["cost_usd"] == 0.34641975
    assert recipes.run("claude.sh", {"claude": "garbage"}, "--rerun").returncode == 1
    assert recipes.record()["usage"] is None  # prepare removed the earlier run's usage file


def test_a_recipe_outside_lumina_wave_says_what_is_missing(tmp_path: Path):
    done = subprocess.run(
        ["bash", str(RECIPES / "claude.sh")],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith("WAVE_")},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "WAVE_CONTEXT_FILE is not set" in done.stderr
