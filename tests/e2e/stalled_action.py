"""The action's entry point for the two-user tests' failure paths (run as ``python -I stalled_action.py``).

``E2E_GIT_TIMEOUT`` (seconds) shortens git's timeout. ``E2E_SIGTERM_WHEN`` names a file (the
origin's hook makes it when it stalls a push): once it exists, the step's whole process group
gets SIGTERM, as the end of a job's time ends the action's container.
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


def _terminate_when(mark: Path) -> None:
    while not mark.exists():
        time.sleep(0.05)
    os.killpg(os.getpgrp(), signal.SIGTERM)


if __name__ == "__main__":
    if os.environ.get("E2E_GIT_TIMEOUT"):
        git.GIT_TIMEOUT = float(os.environ["E2E_GIT_TIMEOUT"])
    if os.environ.get("E2E_SIGTERM_WHEN"):
        threading.Thread(
            target=_terminate_when, args=(Path(os.environ["E2E_SIGTERM_WHEN"]),), daemon=True
        ).start()
    sys.exit(main())
