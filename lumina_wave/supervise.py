"""The supervisor between ``lumina-wave local`` and one agent: the agent dies with ``local``.

``local`` starts ``python -m lumina_wave.supervise COMMAND`` as the leader of a new process
group, with a pipe on its stdin whose write end only ``local`` holds. The supervisor runs the
agent's command line in the same group and exits with its exit code. When ``local`` dies, even
by ``kill -9``, the pipe reads end-of-file and the supervisor kills the whole group, itself
included, so no agent is left behind. SIGTERM and SIGINT (``local`` cancelling the group) are
left to the agent: ``local`` kills the group after a grace period if it does not stop.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading


def _kill_group_at_eof() -> None:
    """Block until the pipe from ``local`` closes, then kill this process group."""
    try:
        while os.read(0, 4096):
            pass
    finally:
        os.killpg(0, signal.SIGKILL)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m lumina_wave.supervise COMMAND", file=sys.stderr)
        return 2
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: None)  # a handler, not SIG_IGN: the agent gets the defaults
    # the user's own command line, in this process group
    agent = subprocess.Popen(argv[0], shell=True, stdin=subprocess.DEVNULL)
    threading.Thread(target=_kill_group_at_eof, daemon=True).start()
    code = agent.wait()
    return code if code >= 0 else 128 - code  # killed by signal N: 128 + N, as a shell reports it


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
