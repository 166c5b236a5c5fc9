"""Starting a workflow run: POST …/actions/workflows/{workflow_id}/dispatches. The only module that calls it.

GITHUB_TOKEN may start a run this way (its other events start none); it needs ``actions: write``.
Asked with ``return_run_details``, GitHub answers 200 with the new run's id (without it, or
on a server that ignores it, 204 No Content and no run).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lumina_wave.github.client import GitHubClient

WRITE_ACTIONS = "actions: write"


@dataclass(frozen=True)
class Dispatched:
    """The answer to a dispatch: the new run's id when GitHub named it; ``lost`` when no answer
    came (a server error or a dropped connection), so the run may or may not have started."""

    run_id: int | None
    lost: bool = False


def dispatch_workflow(client: GitHubClient, workflow: str, ref: str, inputs: dict[str, str]) -> Dispatched:
    """Start ``workflow`` (file name or id) of the client's repository on ``ref`` with ``inputs``.

    A workflow without a ``workflow_dispatch`` trigger, or one that does not declare every input,
    is answered 422; the error names what the calling workflow must declare. A lost answer is
    returned as such, never repeated: a second run would work the same waves.
    """
    import requests
    from github import GithubException

    from lumina_wave.github.client import answer_lost, describe

    doing = f"starting the follow-up run of {workflow} on {ref}"
    try:
        _, data = client.gh.requester.requestJsonAndCheck(
            "POST",
            f"/repos/{client.full_name}/actions/workflows/{workflow}/dispatches",
            input={"ref": ref, "inputs": inputs, "return_run_details": True},
        )
    except (GithubException, requests.RequestException) as exc:
        if answer_lost(exc):
            return Dispatched(None, lost=True)
        raise describe(
            exc, f"{doing} (it must declare on.workflow_dispatch.inputs {', '.join(inputs)})", WRITE_ACTIONS
        ) from exc
    run_id = data.get("workflow_run_id") if isinstance(data, dict) else None
    return Dispatched(run_id if isinstance(run_id, int) else None)
