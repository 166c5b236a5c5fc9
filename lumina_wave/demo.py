"""``lumina-wave demo``: the LuminaGuard wave in a throwaway repository, worked by a built-in agent.

Needs no network and no token: the repository's ``origin`` is a bare repository next to it.
``python -m lumina_wave.demo agent`` is the demo agent: it describes its issue in a file, from
the ``WAVE_*`` variables and the context file the leg code gives every agent, after a short pause.
"""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
import time
from contextlib import ExitStack
from importlib import resources
from pathlib import Path
from typing import TextIO

from lumina_wave import git
from lumina_wave.git import Author

PAUSE = 1.0
MAX_PARALLEL = 4
DEMO_AUTHOR = Author("lumina-wave demo", "demo@lumina-wave.invalid")
MANIFEST = "examples/luminaguard.yml"  # inside the package; examples/luminaguard.yml links to it


def agent(env: os._Environ[str] | dict[str, str], pause: float = PAUSE, out: TextIO = sys.stdout) -> int:
    """The demo agent: runs in the issue's work tree, writes ``notes/issue-N.md``, returns 0."""
    issue = env["WAVE_ISSUE_NUMBER"]
    title = env.get("WAVE_ISSUE_TITLE", "")
    print(f"demo agent: working on #{issue} {title}", file=out, flush=True)
    time.sleep(pause)
    context = (
        Path(env["WAVE_CONTEXT_FILE"]).read_text(encoding="utf-8") if env.get("WAVE_CONTEXT_FILE") else ""
    )
    note = Path("notes") / f"issue-{issue}.md"
    note.parent.mkdir(exist_ok=True)
    lines = [
        f"# #{issue} {title}".rstrip(),
        "",
        f"Worked by the lumina-wave demo agent on branch `{env.get('WAVE_BRANCH', '')}`"
        f" from `{env.get('WAVE_BASE', '')}`.",
        "",
        "## The context the agent was given",
        "",
        "```",
        context.strip(),
        "```",
        "",
    ]
    note.write_text("\n".join(lines), encoding="utf-8")
    print(f"demo agent: wrote {note}", file=out, flush=True)
    return 0


def agent_command() -> str:
    """The shell command that runs :func:`agent` with this Python."""
    return f"{shlex.quote(sys.executable)} -m lumina_wave.demo agent"


def make_repository(root: Path) -> Path:
    """A bare ``origin.git`` and a clone ``luminaguard`` with one commit on ``main``, pushed."""
    origin = root / "origin.git"
    work = root / "luminaguard"
    git.run_git(root, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    git.run_git(root, "clone", "--quiet", str(origin), str(work))
    for key, value in (("user.name", DEMO_AUTHOR.name), ("user.email", DEMO_AUTHOR.email)):
        git.run_git(work, "config", key, value)
    (work / "README.md").write_text("# LuminaGuard\n\nA throwaway repository for `lumina-wave demo`.\n")
    git.commit_all(work, "Start LuminaGuard", DEMO_AUTHOR)
    git.push_branch(work, "main")
    return work


def run_demo(keep: bool = False) -> int:
    """Run the demo; prints the completion summary. Returns the exit code (0 when all done)."""
    from lumina_wave.errors import EXIT_FAILURES, EXIT_OK
    from lumina_wave.local import LocalOptions, run_and_summarize
    from lumina_wave.manifest import read_manifest
    from lumina_wave.plan import build_plan

    with ExitStack() as stack:
        root = (
            Path(tempfile.mkdtemp(prefix="lumina-wave-demo-"))
            if keep
            else Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lumina-wave-demo-")))
        )
        manifest = stack.enter_context(resources.as_file(resources.files("lumina_wave").joinpath(MANIFEST)))
        repo = make_repository(root)
        plan = build_plan(read_manifest(manifest))
        print(f"lumina-wave demo: {len(plan.items)} issues in {plan.wave_count} waves, in {repo}", flush=True)
        options = LocalOptions(
            agent=agent_command(),
            repo=repo,
            max_parallel=MAX_PARALLEL,
            default_base="main",
            push=True,
            author=DEMO_AUTHOR,
        )
        outcome, text = run_and_summarize(plan, options)
        print(text)
        if keep:
            print(f"kept: {root}  (summary: {repo / '.lumina-wave' / 'summary.md'})")
        return EXIT_OK if outcome.ok else EXIT_FAILURES


def main(argv: list[str] | None = None) -> int:
    """``python -m lumina_wave.demo agent``."""
    args = sys.argv[1:] if argv is None else argv
    if args != ["agent"]:
        print("usage: python -m lumina_wave.demo agent", file=sys.stderr)
        return 2
    return agent(os.environ)


if __name__ == "__main__":
    sys.exit(main())
