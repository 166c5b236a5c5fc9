"""Every status an issue can have, and how each view shows it: the one table. Pure.

A result record has one of the *recorded* statuses (``schemas/result.schema.json``; refused: the
publisher did not push the leg's change, :mod:`lumina_wave.path_policy` says why; skipped: left
alone, its PR was merged or closed, or ``existing-branch: skip``). The summary adds three of its
own (``schemas/summary.schema.json``): ``missing`` (no record: the leg never ran or was
cancelled before it could write one), ``pending`` (in a wave after this run's last) and
``rejected`` (its only record was refused). A test checks both schemas' enums against
:data:`TABLE`; its order is the order of every view (counts, graph classes, the local board).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """An issue's status; equal to (and hashed as) its name, so records' plain strings match."""

    SUCCESS = "success"
    NO_CHANGES = "no-changes"
    FAILED = "failed"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"
    REFUSED = "refused"
    SKIPPED = "skipped"
    MISSING = "missing"
    PENDING = "pending"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Shown:
    """What a status means and how each view shows it."""

    label: str  # the summary's markdown
    text: str  # the summary's terminal text
    style: str  # the Mermaid class of its nodes
    recorded: bool = False  # a result record may have it; else only the summary gives it
    done: bool = False  # counts as done: blocks nothing, not retried
    counted: bool = False  # always in the summary's ``counts`` (else only when some issue has it)
    style_when_used: bool = False  # its class is defined only when a node has it
    board: str | None = None  # the local board (there pending is: not started yet); None: never on it
    icon: str | None = None  # the live progress comment; None: shown as unknown


PENDING_WORDS = "waits for the follow-up run"

TABLE: dict[str, Shown] = {  # keyed by Status: a record's plain string finds its row
    Status.SUCCESS: Shown(
        "✅ success", "success", "fill:#d4f7dc,stroke:#1a7f37",
        recorded=True, done=True, counted=True, board="done", icon="✅",
    ),
    Status.NO_CHANGES: Shown(
        "⚪ no changes", "no-changes", "fill:#eef1f4,stroke:#57606a",
        recorded=True, done=True, counted=True, board="done (no changes)", icon="✅",
    ),
    Status.FAILED: Shown(
        "❌ failed", "failed", "fill:#ffd8d3,stroke:#cf222e",
        recorded=True, counted=True, board="FAILED", icon="❌",
    ),
    Status.BLOCKED: Shown(
        "⛔ blocked", "blocked", "fill:#fff1c2,stroke:#9a6700",
        recorded=True, counted=True, board="blocked", icon="⛔",
    ),
    Status.CANCELLED: Shown(
        "🚫 cancelled", "cancelled", "fill:#eaeef2,stroke:#6e7781,stroke-dasharray:4",
        recorded=True, counted=True, board="cancelled", icon="⏹️",
    ),
    Status.REFUSED: Shown(
        "🛡️ refused", "refused", "fill:#ffd8d3,stroke:#cf222e,stroke-dasharray:2",
        recorded=True, style_when_used=True, board="refused",
    ),
    Status.SKIPPED: Shown(
        "⏭️ skipped", "skipped", "fill:#eef1f4,stroke:#57606a,stroke-dasharray:2",
        recorded=True, done=True, style_when_used=True, board="already done",
    ),
    Status.MISSING: Shown(
        "⏹️ did not run", "did not run", "fill:#eaeef2,stroke:#6e7781,stroke-dasharray:4",
        counted=True,
    ),
    Status.PENDING: Shown(
        f"⏳ {PENDING_WORDS}", PENDING_WORDS, "fill:#ffffff,stroke:#8c959f,stroke-dasharray:2,color:#57606a",
        style_when_used=True, board="waiting",
    ),
    Status.REJECTED: Shown(
        "🛑 record rejected", "record rejected", "fill:#ffd8d3,stroke:#cf222e,stroke-dasharray:4",
        style_when_used=True,
    ),
}  # fmt: skip

# The statuses a result record may have, in the table's order.
STATUSES = tuple(s for s, shown in TABLE.items() if shown.recorded)
DONE_STATUSES = frozenset(s for s, shown in TABLE.items() if shown.done)
