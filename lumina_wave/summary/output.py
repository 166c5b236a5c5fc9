"""The summary's plain data fitted under the limit of a job output (``summary-json``). Pure."""

from __future__ import annotations

from collections.abc import Callable

from lumina_wave import markdown as md
from lumina_wave.limits import OUTPUT_BUDGET, output_text, utf16_units
from lumina_wave.statuses import DONE_STATUSES, Status


def summary_for_output(data: dict, limit: int = OUTPUT_BUDGET) -> dict:
    """``data`` (from :func:`~lumina_wave.summary.model.summary_to_json`) fitted under ``limit`` UTF-16 code units as an
    output writes it, the way GitHub sizes job outputs (:mod:`lumina_wave.limits`).

    For a job output, in this order until it fits: the entries of done (and pending) issues
    go, error texts are cut to :data:`~lumina_wave.markdown.ERROR_LIMIT` characters, every
    issue entry goes, then the merge order; ``omitted`` counts the entries left out and the
    errors cut (summary.json keeps everything).
    """

    def size(d: dict) -> int:
        return utf16_units(output_text(d))

    def cut_errors(d: dict) -> dict:
        issues = [{**i, "error": md.truncate(i["error"] or "", md.ERROR_LIMIT) or None} for i in d["issues"]]
        cut = sum(new["error"] != old["error"] for new, old in zip(issues, d["issues"], strict=True))
        return {**d, "issues": issues, "omitted": {**d.get("omitted", {}), "errors": cut}}

    def drop(key: str, keep: Callable[[dict], bool]) -> Callable[[dict], dict]:
        def step(d: dict) -> dict:
            kept = [e for e in d[key] if keep(e)]
            omitted = {**d.get("omitted", {})}
            omitted[key] = omitted.get(key, 0) + len(d[key]) - len(kept)
            return {**d, key: kept, "omitted": omitted}

        return step

    out = data
    steps = (
        drop("issues", lambda i: i["status"] not in DONE_STATUSES | {Status.PENDING}),
        cut_errors,
        drop("issues", lambda i: False),
        drop("merge_order", lambda m: False),
    )
    for step in steps:
        if size(out) <= limit:
            break
        out = step(out)
    return out
