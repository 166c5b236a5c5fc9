"""Starting a workflow run: POST …/actions/workflows/{workflow_id}/dispatches. The only module that calls it.

GITHUB_TOKEN may start a run this way (its other events start none); it needs ``actions: write``.
The answer carries no run: 204 No Content.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lumina_wave.github.client import GitHubClient

WRITE_ACTIONS = "actions: write"


def dispatch_workflow(client: GitHubClient, workflow: str, ref: str, inputs: dict[str, str]) -> None:
    """Start ``workflow`` (file name or id) of the client's repository on ``ref`` with ``inputs``.

    A workflow without a ``workflow_dispatch`` trigger, or one that does not declare every input,
    is answered 422; the error names what the calling workflow must declare.
    """
    from lumina_wave.github.client import api_errors

    doing = f"starting the follow-up run of {workflow} on {ref}"
    with api_errors(
        f"{doing} (it must declare on.workflow_dispatch.inputs {', '.join(inputs)})", WRITE_ACTIONS
    ):
        client.gh.requester.requestJsonAndCheck(
            "POST",
            f"/repos/{client.full_name}/actions/workflows/{workflow}/dispatches",
            input={"ref": ref, "inputs": inputs},
        )
