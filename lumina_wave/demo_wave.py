"""``lumina-wave demo``: the LuminaGuard wave in a throwaway repository, worked by a built-in agent.

Two runs of ``local``: in the first the agent of #154 fails (scripted), so #155, which needs it,
is blocked while #152 is done; the second (``--retry failed``) works #154 and #155 again and
the wave ends done. Needs no network and no token: the repository's ``origin`` is a bare
repository next to it. ``python -m lumina_wave.demo_wave agent [--fail N]`` is the demo agent: it
describes its issue in a file, from the ``WAVE_*`` variables and the context file the leg code
gives every agent, after a short pause; for issue N it fails instead.
"""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import TextIO

from lumina_wave import git
from lumina_wave.git import Author

PAUSE = 1.0
MAX_PARALLEL = 4
DEMO_AUTHOR = Author("lumina-wave demo", "demo@lumina-wave.invalid")
MANIFEST = "examples/luminaguard.yml"  # inside the package; examples/luminaguard.yml links to it
FAIL = 154  # the issue whose agent fails in the demo's first run: its dependent #155 is blocked


def agent(
    env: os._Environ[str] | dict[str, str],
    pause: float = PAUSE,
    out: TextIO = sys.stdout,
    fail: int | None = None,
) -> int:
    """The demo agent: runs in the issue's work tree, writes ``notes/issue-N.md``, returns 0; for
    issue ``fail`` it writes nothing and exits 1, the failure the demo scripts."""
    issue = env["WAVE_ISSUE_NUMBER"]
    title = env.get("WAVE_ISSUE_TITLE", "")
    print(f"demo agent: working on #{issue} {title}", file=out, flush=True)
    time.sleep(pause)
    if fail is not None and issue == str(fail):
        print(
            f"demo agent: error: no hypervisor to test #{issue} on; this failure is scripted by the demo",
            file=out,
        )
        return 1
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


def agent_command(fail: int | None = None) -> str:
    """The shell command that runs :func:`agent` with this Python (failing for issue ``fail``)."""
    return f"{shlex.quote(sys.executable)} -m lumina_wave.demo_wave agent" + (
        f" --fail {fail}" if fail else ""
    )


def make_repository(root: Path) -> Path:
    """A bare ``origin.git`` and a clone ``luminaguard`` with one commit on ``main``, pushed."""
    origin = root / "origin.git"
    work = root / "luminaguard"
    git.init_bare(origin, "main")
    git.clone(origin, work)
    for key, value in (("user.name", DEMO_AUTHOR.name), ("user.email", DEMO_AUTHOR.email)):
        git.set_config(work, key, value)
    (work / "README.md").write_text("# LuminaGuard\n\nA throwaway repository for `lumina-wave demo`.\n")
    git.commit_all(work, "Start LuminaGuard", DEMO_AUTHOR)
    git.push_branch(work, "main")
    return work


def run_demo(keep: bool = False) -> int:
    """Run the demo: a first run in which the agent of :data:`FAIL` fails, so its dependent is
    blocked, then ``--retry failed``, which finishes the wave. Prints both summaries; paths only
    with ``keep`` (without it the repository is deleted at the end). Returns the exit code: 0 when
    both runs ended as scripted, 130 on Ctrl-C."""
    from lumina_wave.errors import EXIT_FAILURES, EXIT_OK
    from lumina_wave.local_wave import LocalOptions, run_and_summarize
    from lumina_wave.manifest import read_manifest
    from lumina_wave.plan import build_plan
    from lumina_wave.reruns import not_done

    with ExitStack() as stack:
        root = (
            Path(tempfile.mkdtemp(prefix="lumina-wave-demo-"))
            if keep
            else Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lumina-wave-demo-")))
        )
        manifest = stack.enter_context(resources.as_file(resources.files("lumina_wave").joinpath(MANIFEST)))
        repo = make_repository(root)
        plan = build_plan(read_manifest(manifest, MANIFEST))
        where = f"in {repo}" if keep else "in a throwaway repository (deleted at the end; --keep keeps it)"
        print(
            f"lumina-wave demo: the LuminaGuard wave, {len(plan.items)} issues in {plan.wave_count} waves, {where}"
        )
        dependents = ", ".join(f"#{n}" for n in sorted(plan.dependents()[FAIL]))
        print(
            f"\nrun 1: the agent of #{FAIL} fails (scripted), so {dependents}, which needs it, is blocked\n",
            flush=True,
        )
        options = LocalOptions(
            agent=agent_command(FAIL),
            repo=repo,
            max_parallel=MAX_PARALLEL,
            default_base="main",
            push=True,
            author=DEMO_AUTHOR,
        )
        first, text = run_and_summarize(plan, options, where=False)
        print(text)
        if first.signal:
            return 128 + first.signal
        retry = not_done(plan, first.results)
        print(
            f"\nrun 2: lumina-wave local --retry failed: {', '.join(f'#{n}' for n in sorted(retry))} again, "
            "the agent no longer failing; the others stay done\n",
            flush=True,
        )
        second, text = run_and_summarize(
            plan, replace(options, agent=agent_command(), retry=retry), where=keep
        )
        print(text)
        summary = repo / ".lumina-wave" / "summary.md"
        if keep:
            print(f"\nkept {root} (remove it with: rm -rf {root}); the summary: {summary}")
        else:
            print(
                "\nthe summaries above were also written to summary.md in the throwaway repository, deleted now "
                "with its logs and worktrees: lumina-wave demo --keep keeps it"
            )
        if second.signal:
            return 128 + second.signal
        scripted = {n: r["status"] for n, r in first.results.items()} == {
            n: "failed" if n == FAIL else "blocked" if FAIL in plan.depends_on[n] else "success"
            for n in plan.items
        }
        return EXIT_OK if scripted and second.ok else EXIT_FAILURES


def main(argv: list[str] | None = None) -> int:
    """``python -m lumina_wave.demo_wave agent [--fail N]``."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["agent"] or len(args) not in (1, 3) or (len(args) == 3 and args[1] != "--fail"):
        print("usage: python -m lumina_wave.demo_wave agent [--fail ISSUE]", file=sys.stderr)
        return 2
    return agent(os.environ, fail=int(args[2]) if len(args) == 3 else None)


if __name__ == "__main__":
    sys.exit(main())
