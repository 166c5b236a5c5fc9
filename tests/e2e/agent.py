"""The scripted agent of the end-to-end runs: a real process, run by the agent step as the user's command is.

It reads what prepare exported (WAVE_* variables, the context file) and the script of its issue
from the JSON file named by ``E2E_AGENT_SCRIPT``: ``{"<issue>": {"fail": bool, "sleep": s, "text": str,
"plant": marker}}``. It writes ``work/issue-<N>.txt`` (title from the environment, never from a
command line), plants hooks and configuration in its tree when told (:mod:`plant`), then sleeps
and fails as told.
"""

from __future__ import annotations

import json
import os
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
    if script.get("plant"):
        from plant import plant  # this script's folder is on sys.path

        plant(Path.cwd(), Path(script["plant"]), Path(os.environ["GITHUB_ENV"]))
    time.sleep(float(script.get("sleep", 0)))
    return 1 if script.get("fail") else 0


if __name__ == "__main__":
    sys.exit(main())
