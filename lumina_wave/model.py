"""Plain data that sources produce and the planner consumes."""

from __future__ import annotations

from dataclasses import dataclass, field

from lumina_wave.errors import Origin

# The scale lumina-wave promises: 10,000 issues with 20,000 dependencies plan in seconds
# (benchmarks/plan_scale.py). Past that the pure-Python YAML reader (about 20,000 values a
# second) would dominate, and no GitHub run could work it anyway: GITHUB_TOKEN's 1,000
# requests an hour and 10 wave slots of 256 jobs. Every source is held to it.
MAX_ISSUES = 10_000


@dataclass(frozen=True)
class Item:
    """One issue to work. ``min_wave`` is a pin (``wave:N`` label or manifest ``wave``)."""

    number: int
    title: str = ""
    kind: str = ""
    body: str = ""
    min_wave: int = 1
    url: str = ""
    origin: Origin | None = None


@dataclass(frozen=True)
class Edge:
    """``issue`` depends on ``depends_on`` (``depends_on`` must be done first)."""

    issue: int
    depends_on: int
    origin: Origin | None = None


@dataclass
class Selection:
    """What a source found: the items, the edges between them, and plan-wide settings.

    ``done`` holds dependencies outside the selection that are already closed: edges to
    them are dropped by the planner and reported in the plan. ``warnings`` are problems the
    source let pass (a reference to a missing issue, with ignore-missing-references).
    """

    source: str
    items: list[Item] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    done: set[int] = field(default_factory=set)
    base: str | None = None
    draft: bool = False
    warnings: list[tuple[str, Origin | None]] = field(default_factory=list)  # shown, not fatal


@dataclass(frozen=True)
class References:
    """Bounds on body references (``Depends on #N``) read from GitHub: each outside issue named
    costs a lookup, and GITHUB_TOKEN has 1,000 requests an hour. More than ``per_issue`` issues
    in one body, or more than ``per_plan`` issues to look up in all, is bad input; a reference
    to an issue that does not exist is bad input too, or a warning (the reference dropped)
    with ``ignore_missing``."""

    per_issue: int = 50
    per_plan: int = 200
    ignore_missing: bool = False
