"""Progress of a local run: a live board on a terminal, one quiet line per event otherwise."""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TextIO

from lumina_wave.statuses import TABLE, Status
from lumina_wave.untrusted import visible

RUNNING = "running"  # the board's own state: the agent of the issue runs
LEFT_ALONE = "left-alone"  # the board's own state: a record this run skipped (existing-branch: skip)


def _labels() -> dict[str, str]:
    """How each state reads on the board; the order is the order of the board's sections."""
    labels = {RUNNING: "running"}
    for status, shown in TABLE.items():
        if shown.board:
            labels[status] = shown.board
        if status == Status.SKIPPED:
            labels[LEFT_ALONE] = "left alone"
    return labels


LABELS = _labels()


@dataclass
class Entry:
    """What the board knows about one issue."""

    state: str = Status.PENDING
    started: float | None = None
    ended: float | None = None
    note: str = ""


@dataclass
class Board:
    """The state of every issue of a run, updated by events. Times are ``time.monotonic()`` values."""

    issues: dict[int, Entry] = field(default_factory=dict)

    def update(self, issue: int, state: str, now: float, note: str = "") -> None:
        entry = self.issues.setdefault(issue, Entry())
        if state == RUNNING:
            entry.started = now
        elif entry.started is not None:
            entry.ended = now
        entry.state = state
        entry.note = terminal_text(note)


def terminal_text(text: str) -> str:
    """Untrusted text (an error quoting input) for one line of a terminal: invisible characters
    shown (:func:`lumina_wave.untrusted.visible`), other control characters (escapes) as ``?``."""
    return "".join(ch if ch.isprintable() else "?" for ch in " ".join(visible(text).split()))


def elapsed(entry: Entry, now: float) -> str:
    """``12.3s`` for a started issue (up to now while running), empty otherwise."""
    if entry.started is None:
        return ""
    return f"{(entry.ended if entry.ended is not None else now) - entry.started:.1f}s"


def event_line(issue: int, entry: Entry, now: float, since: float) -> str:
    """One line for one event: ``[   3.1s] #155 done 1.2s``."""
    parts = [f"[{now - since:7.1f}s] #{issue}", LABELS.get(entry.state, entry.state)]
    took = elapsed(entry, now) if entry.state != RUNNING else ""
    if took:
        parts.append(took)
    if entry.note:
        parts.append(f"({entry.note})")
    return " ".join(parts)


def render_board(board: Board, now: float, since: float) -> list[str]:
    """The live view: a counts line, then one line per issue that is not waiting."""
    counts: dict[str, int] = {}
    for entry in board.issues.values():
        counts[entry.state] = counts.get(entry.state, 0) + 1
    head = ", ".join(f"{counts[s]} {LABELS[s]}" for s in LABELS if counts.get(s))
    lines = [f"lumina-wave local  {now - since:6.1f}s  {head}"]
    order = {state: index for index, state in enumerate(LABELS)}
    shown = [(n, e) for n, e in board.issues.items() if e.state != Status.PENDING]
    for n, entry in sorted(shown, key=lambda item: (order.get(item[1].state, 99), item[0])):
        note = f"  {entry.note}" if entry.note else ""
        lines.append(f"  #{n:<6} {LABELS.get(entry.state, entry.state):<18} {elapsed(entry, now):>8}{note}")
    return lines


class Progress:
    """Thread-safe progress output. ``live`` redraws a board in place; otherwise one line per event."""

    def __init__(self, stream: TextIO, live: bool, issues: list[int], refresh: float = 0.5) -> None:
        self.stream = stream
        self.live = live
        self.board = Board({n: Entry() for n in issues})
        self.since = time.monotonic()
        self._lock = threading.Lock()
        self._drawn = 0
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        if live:
            self._ticker = threading.Thread(target=self._tick, args=(refresh,), daemon=True)
            self._ticker.start()

    def update(self, issue: int, state: str, note: str = "") -> None:
        """Record that ``issue`` is now in ``state`` (running, a result status, or skipped)."""
        with self._lock:
            now = time.monotonic()
            self.board.update(issue, state, now, note)
            if self.live:
                self._draw(now)
            else:
                print(event_line(issue, self.board.issues[issue], now, self.since), file=self.stream)
                self.stream.flush()

    def close(self) -> None:
        """Stop redrawing; the last board stays on screen."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        with self._lock:
            if self.live:
                self._draw(time.monotonic())

    def _tick(self, refresh: float) -> None:
        while not self._stop.wait(refresh):
            with self._lock:
                self._draw(time.monotonic())

    def _draw(self, now: float) -> None:
        lines = render_board(self.board, now, self.since)
        # Move up over the previous board, clear it, and write the new one.
        clear = f"\x1b[{self._drawn}F\x1b[J" if self._drawn else ""
        self.stream.write(clear + "\n".join(lines) + "\n")
        self.stream.flush()
        self._drawn = len(lines)


def make_progress(issues: list[int], stream: TextIO | None = None) -> Progress:
    """A live board when ``stream`` (default stderr) is a terminal, quiet lines otherwise."""
    stream = stream or sys.stderr
    return Progress(stream, live=stream.isatty(), issues=issues)
