"""The action's entry point for the two-user tests' failure paths (run as ``python -I stalled_action.py``).

``E2E_GIT_TIMEOUT`` (seconds) shortens git's timeout. ``E2E_SIGTERM_WHEN`` is the start of a file
name; the origin's hook makes that file, ending in the process group of the push, when it stalls
one. Once the file of this step's group exists, the whole group gets SIGTERM, as the end of a
job's time ends the action's container.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

from lumina_wave import git
from lumina_wave.action import main


def _terminate_when(prefix: str) -> None:
    group = os.getpgrp()
    while not Path(f"{prefix}{group}").exists():
        time.sleep(0.05)
    os.killpg(group, signal.SIGTERM)


if __name__ == "__main__":
    if os.environ.get("E2E_GIT_TIMEOUT"):
        git.GIT_TIMEOUT = float(os.environ["E2E_GIT_TIMEOUT"])
    if os.environ.get("E2E_SIGTERM_WHEN"):
        threading.Thread(target=_terminate_when, args=(os.environ["E2E_SIGTERM_WHEN"],), daemon=True).start()
    sys.exit(main())
