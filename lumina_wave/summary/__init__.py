"""The completion summary: plan + leg results (+ job timings) in; markdown, text and JSON out. Pure.

:mod:`.model` builds the :class:`~.model.Summary` from the plan and the records (what each status
and timing means is there) and gives its plain data (JSON, schema ``summary``); :mod:`.markdown`
renders it for comments and the job summary, :mod:`.text` for a terminal; :mod:`.output` fits the
JSON under a job output's limit; :mod:`.wording` is what the two renderings of text share.
Nothing here imports :mod:`lumina_wave.github`. The commands use the names below.
"""

from lumina_wave.summary.markdown import marker, render_markdown
from lumina_wave.summary.model import Summary, build_summary, summary_to_json
from lumina_wave.summary.output import summary_for_output
from lumina_wave.summary.text import render_text

__all__ = [
    "Summary",
    "build_summary",
    "marker",
    "render_markdown",
    "render_text",
    "summary_for_output",
    "summary_to_json",
]
