"""Sticky summary comments: one per target, updated in place, duplicates removed.

Which comment is ours. A summary comment starts with the hidden marker
``<!-- lumina-wave:summary plan=<plan_id> -->`` on its first line (untrusted text can never
produce it: :mod:`lumina_wave.markdown` escapes ``<``). Among the comments carrying the
marker of this plan, ours are those by our own login. The login is learned, in order:

1. from the answer to a comment we created during this run;
2. from GET /user, asked once and only when a marker comment exists (a PAT or OAuth token);
3. for installation tokens (GITHUB_TOKEN, GitHub Apps) GET /user answers 403, and their
   comments are written by the app's bot account: ours are then the marker comments by a
   ``Bot`` account with the same login as the oldest such comment.

The oldest of ours (by ``created_at``, then id) is kept and edited when its body differs;
the others (left by racing runs) are deleted; a comment is created only when none is ours.
A create whose answer was lost is looked for by its marker before it is repeated. After a
create the comments are listed again: when a racing run created one too, every run keeps
the oldest and deletes the rest, so they settle on one comment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lumina_wave.errors import GitHubError, InputError
from lumina_wave.limits import COMMENT_LIMIT
from lumina_wave.summary import marker

if TYPE_CHECKING:
    from lumina_wave.github.client import GitHubClient
    from lumina_wave.github.comments import Comment

_NUMBER = re.compile(r"#?([1-9][0-9]*)")


def is_summary_of(comment: Comment, plan_id: str) -> bool:
    return comment.body.split("\n", 1)[0].strip() == marker(plan_id)


@dataclass(frozen=True)
class Decision:
    """What to do on one target: edit ``keep`` (or create when None) and delete ``delete``."""

    keep: Comment | None
    delete: tuple[Comment, ...]


def decide(found: Sequence[Comment], plan_id: str, login: str | None) -> Decision:
    """Pick our summary comment among ``found`` by the rule in the module docstring. Pure."""
    marked = sorted((c for c in found if is_summary_of(c, plan_id)), key=lambda c: (c.created_at, c.id))
    if login is None:
        bots = [c for c in marked if c.user_type == "Bot"]
        login = bots[0].login if bots else None
    ours = [c for c in marked if login is not None and c.login == login]
    return Decision(ours[0] if ours else None, tuple(ours[1:]))


@dataclass(frozen=True)
class Published:
    """The outcome on one target: created, edited, unchanged or failed."""

    target: int
    action: str
    comment_id: int | None = None
    deleted: int = 0
    error: str | None = None


class Publisher:
    """Writes one body as the summary comment of ``plan_id`` on any number of targets."""

    def __init__(self, client: GitHubClient, plan_id: str) -> None:
        self.client = client
        self.plan_id = plan_id
        self._login: str | None = None
        self._asked = False

    def publish(
        self, targets: Iterable[int], body: str, merge: Callable[[str, str], str] | None = None
    ) -> list[Published]:
        """Publish ``body`` on every target; a failure on one target does not stop the others.

        ``merge(old, body)`` gives the body that replaces an existing comment's ``old`` one."""
        if not body.startswith(marker(self.plan_id) + "\n"):
            raise ValueError("a summary body must start with its marker line")
        if len(body) > COMMENT_LIMIT:
            raise ValueError(f"a comment body is at most {COMMENT_LIMIT} characters, got {len(body)}")
        out = []
        for target in targets:
            try:
                out.append(self._publish_one(target, body, merge))
            except GitHubError as exc:
                out.append(Published(target, "failed", error=str(exc)))
        return out

    def _publish_one(self, target: int, body: str, merge: Callable[[str, str], str] | None) -> Published:
        from lumina_wave.github import comments

        found = comments.list_comments(self.client, target)
        if any(is_summary_of(c, self.plan_id) for c in found):
            self._learn_login()
        decision = decide(found, self.plan_id, self._login)
        created = None
        if decision.keep is None:
            created = comments.create_comment(self.client, target, body, lambda: self._find_ours(target))
            self._login, self._asked = created.login, True
            decision = decide(comments.list_comments(self.client, target), self.plan_id, self._login)
            if decision.keep is None:  # not listed yet: nothing to settle
                return Published(target, "created", created.id)
        action = "created" if created is not None and decision.keep.id == created.id else "unchanged"
        wanted = merge(decision.keep.body, body) if merge is not None else body
        if decision.keep.body != wanted:
            comments.edit_comment(self.client, decision.keep.id, wanted)
            action = "edited"
        for extra in decision.delete:
            comments.delete_comment(self.client, extra.id)
        return Published(target, action, decision.keep.id, len(decision.delete))

    def ours(self, target: int) -> Comment | None:
        """Our summary comment of the plan on ``target``, None when there is none."""
        from lumina_wave.github import comments

        found = comments.list_comments(self.client, target)
        if any(is_summary_of(c, self.plan_id) for c in found):
            self._learn_login()
        return decide(found, self.plan_id, self._login).keep

    def _find_ours(self, target: int) -> Comment | None:
        """Our summary comment on ``target``, if a create that lost its answer made it."""
        from lumina_wave.github import comments

        self._learn_login()
        return decide(comments.list_comments(self.client, target), self.plan_id, self._login).keep

    def _learn_login(self) -> None:
        if not self._asked:
            from lumina_wave.github import comments

            self._login = comments.own_login(self.client)
            self._asked = True


def parse_numbers(text: str, what: str = "comment-on") -> list[int]:
    """``"12, #13 14"`` as ``[12, 13, 14]``; anything else is bad input naming ``what``."""
    numbers = []
    for part in re.split(r"[\s,]+", text.strip()):
        if not part:
            continue
        match = _NUMBER.fullmatch(part)
        if not match:
            raise InputError(f"input '{what}' must list issue or PR numbers, got {part!r}")
        numbers.append(int(match[1]))
    return numbers


def triggering_number(event_path: str | None) -> int | None:
    """The issue or PR of the event in GITHUB_EVENT_PATH (``issue.number``, ``pull_request.number``).

    None for events without one (workflow_dispatch, schedule) or without an event file.
    """
    if not event_path or not Path(event_path).is_file():
        return None
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"unreadable event file: {exc}") from None
    for key in ("issue", "pull_request"):
        number = (event.get(key) or {}).get("number") if isinstance(event, dict) else None
        if isinstance(number, int) and number > 0:
            return number
    return None


def first_targets(comment_on: Sequence[int], triggered_by: int | None) -> list[int]:
    """The issues/PRs named for the summary: ``comment_on``, else the triggering issue/PR; no repeats.

    A follow-up run of a deeper plan is handed these (as its ``comment-on``), so it comments
    exactly where the first run did.
    """
    first = list(comment_on) if comment_on else ([triggered_by] if triggered_by else [])
    return list(dict.fromkeys(first))


def comment_targets(
    pr_numbers: Iterable[int], comment_on: Sequence[int], triggered_by: int | None
) -> list[int]:
    """:func:`first_targets`, then every PR of the wave; no repeats."""
    return list(dict.fromkeys([*first_targets(comment_on, triggered_by), *sorted(pr_numbers)]))
