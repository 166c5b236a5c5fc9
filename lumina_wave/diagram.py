"""Text pictures of a plan: a one-line-per-wave table and a Mermaid graph. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from lumina_wave.plan import Plan
from lumina_wave.statuses import TABLE
from lumina_wave.untrusted import visible


def wave_table(plan: Plan) -> str:
    """One line per wave, for people reading a terminal or a log."""
    lines = [f"plan {plan.plan_id}: {len(plan.items)} issues in {plan.wave_count} waves ({plan.source})"]
    for index, wave in enumerate(plan.waves, start=1):
        issues = ", ".join(f"#{n}" for n in wave)
        lines.append(f"wave {index}: {issues}")
    if plan.critical_path:
        lines.append("critical path: " + " -> ".join(f"#{n}" for n in plan.critical_path))
    if plan.external_done:
        lines.append("already closed: " + ", ".join(f"#{n}" for n in plan.external_done))
    return "\n".join(lines)


LABEL_LIMIT = 60


def cut_at_word(text: str, limit: int) -> str:
    """``text`` on one line, cut to at most ``limit`` characters at the end of a word, ending in ``…``
    when cut (mid-word only for a first word longer than the limit)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    head = flat[: limit - 1]
    if flat[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" .,:;-") + "…"


def mermaid_label(text: str) -> str:
    """``text`` made safe inside a quoted Mermaid label (no quotes, brackets, markup or newlines;
    invisible characters shown, as :func:`lumina_wave.untrusted.visible` does)."""
    out = []
    for ch in " ".join(visible(text).split()):
        if ch.isalnum() or ch in " .,:;-_/+()?!'=&%$*":
            out.append(ch)
        else:
            out.append(f"#{ord(ch)};")
    return "".join(out)


def mermaid(plan: Plan, status: Mapping[int, str] | None = None) -> str:
    """A Mermaid ``graph`` of the DAG, one subgraph per wave; nodes get a class per ``status``."""
    lines = ["graph LR"]
    for index, wave in enumerate(plan.waves, start=1):
        lines.append(f'  subgraph wave{index}["wave {index}"]')
        for n in wave:
            label = f"#{n} {mermaid_label(cut_at_word(plan.items[n].title, LABEL_LIMIT))}".rstrip()
            lines.append(f'    i{n}["{label}"]')
        lines.append("  end")
    for issue, deps in plan.depends_on.items():
        for dep in deps:
            lines.append(f"  i{dep} --> i{issue}")
    if status:
        used = set(status.values())
        for name, shown in TABLE.items():  # classes only some nodes have: only when used
            if not shown.style_when_used or name in used:
                lines.append(f"  classDef {_class(name)} {shown.style}")
        for n, state in sorted(status.items()):
            if n in plan.items and state in TABLE:
                lines.append(f"  class i{n} {_class(state)}")
    return "\n".join(lines)


def _class(status: str) -> str:
    return status.replace("-", "_")
