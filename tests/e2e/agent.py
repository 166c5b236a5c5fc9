"""The scripted agent of the end-to-end runs: a real process, run by the agent step as the user's command is.

It reads what prepare exported (WAVE_* variables, the context file) and the script of its issue
from the JSON file named by ``E2E_AGENT_SCRIPT``: ``{"<issue>": {"fail": bool, "sleep": s, "text": str,
"commit": bool, "files": {"<path>": "<text>"}, "link": {"<path>": "<target>"}, "plant": marker, "usage": object or str,
"env": [names], "say": [names], "fail_times": N}}``. It writes ``work/issue-<N>.txt`` (title from the
environment, never from a command line) and each of ``files``, commits it itself when told (as the runner's git configuration names it),
replaces each ``link`` path of the work tree with a symlink to its target, plants hooks and
configuration in its tree when told (:mod:`plant`), writes the SHA-256 of each ``env`` variable
to ``work/env-<N>.json`` (never the value), prints each ``say`` variable (a chatty agent: its log
must mask them) and, as a recipe does, ``usage`` to ``$WAVE_USAGE_FILE`` (a string as it is: a
bad file), then sleeps and fails as told (``fail_times``: its first N runs in the leg).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def main() -> int:
    issue = os.environ["WAVE_ISSUE_NUMBER"]
    script = json.loads(Path(os.environ["E2E_AGENT_SCRIPT"]).read_text()).get(issue, {})
    context = Path(os.environ["WAVE_CONTEXT_FILE"]).read_text(encoding="utf-8")
    if f"#{issue}:" not in context.splitlines()[0]:
        print(f"agent: the context file is not about #{issue}", file=sys.stderr)
        return 3
    if script.get("change", True):
        out = Path("work", f"issue-{issue}.txt")
        out.parent.mkdir(exist_ok=True)
        text = script.get("text", "done")
        out.write_text(f"{os.environ['WAVE_ISSUE_TITLE']}\n{text}\n", encoding="utf-8")
        for path, content in script.get("files", {}).items():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(content, encoding="utf-8")
        if script.get("commit"):
            subprocess.run(["git", "add", str(out)], check=True)
            subprocess.run(["git", "commit", "--quiet", "-m", f"Agent's work on #{issue}"], check=True)
    for path, target in script.get("link", {}).items():
        planted = Path(path)
        if planted.is_dir() and not planted.is_symlink():
            shutil.rmtree(planted)
        elif planted.exists() or planted.is_symlink():
            planted.unlink()
        planted.symlink_to(target)
    if script.get("env"):
        digest = {n: hashlib.sha256(v.encode()).hexdigest() for n, v in os.environ.items()}
        seen = {n: digest.get(n) for n in script["env"]}
        Path("work").mkdir(exist_ok=True)
        Path("work", f"env-{issue}.json").write_text(json.dumps(seen, sort_keys=True))
    for name in script.get("say", ()):
        print(f"agent: {name} is {os.environ.get(name)}")
    if "usage" in script:
        used = script["usage"]
        Path(os.environ["WAVE_USAGE_FILE"]).write_text(used if isinstance(used, str) else json.dumps(used))

    if script.get("plant"):
        from plant import plant  # this script's folder is on sys.path

        plant(Path.cwd(), Path(script["plant"]), Path(os.environ["GITHUB_ENV"]))
    time.sleep(float(script.get("sleep", 0)))
    if script.get("fail_times"):  # fail the first N runs of this leg (counted in RUNNER_TEMP)
        count = Path(os.environ["RUNNER_TEMP"], f"e2e-agent-runs-{issue}")
        runs = int(count.read_text()) + 1 if count.exists() else 1
        count.write_text(str(runs))
        return 1 if runs <= script["fail_times"] else 0
    return 1 if script.get("fail") else 0


if __name__ == "__main__":
    sys.exit(main())
