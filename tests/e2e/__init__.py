"""End-to-end runs of the reusable workflow against the fake GitHub.

:mod:`.driver` plays the GitHub Actions runner for every job of ``.github/workflows/wave.yml``
(plan → wave slots → summarize), :mod:`.agent` is the scripted agent of each leg,
:mod:`.figures` collects what the runs measured and :mod:`.plugin` writes it to
``docs/reliability.md`` at the end of a full, green session.
"""
