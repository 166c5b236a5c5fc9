"""Issue sources on GitHub: a label, or an epic's sub-issues, with their dependencies.

Dependencies come from GitHub's native "blocked by" relations and from body lines such as
``Depends on #1, #2 and #3`` (also ``Blocked by``, ``Requires``). A dependency outside the
selection is fetched once: closed, it counts as done; open, it is bad input unless
``include_dependencies`` pulls it in (with its own dependencies). API calls go through
:mod:`lumina_wave.github.issues`; the parsing here is pure.
"""

from __future__ import annotations

import dataclasses
import re

from lumina_wave.errors import InputError, Origin
from lumina_wave.github import issues
from lumina_wave.github.client import GitHubClient
from lumina_wave.model import Edge, Item, References, Selection

_KEYWORD = re.compile(r"(?<![\w-])(?:depends[ \t]+on|blocked[ \t]+by|requires)\b[*_]*:?[*_]*", re.IGNORECASE)
_REF = r"(?:[A-Za-z0-9][\w.-]*/[\w.-]+)?#\d+\b"
_REF_LIST = re.compile(rf"[ \t]*{_REF}(?:(?:[ \t]*,)?[ \t]*(?:and|&)?[ \t]*{_REF})*", re.IGNORECASE)
_ONE_REF = re.compile(r"(?:(?P<repo>[A-Za-z0-9][\w.-]*/[\w.-]+))?#(?P<number>\d+)\b")
_FENCE = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+).+?\1")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_WAVE_LABEL = re.compile(r"wave:(.*)", re.IGNORECASE)
_KIND_LABEL = re.compile(r"kind:(.+)", re.IGNORECASE)
DEFAULT_REFERENCES = References()


# --- pure parsing ------------------------------------------------------------------------


def dependency_refs(body: str, repo: str = "") -> list[tuple[int, int]]:
    """``(line, number)`` for each issue ``body`` says it depends on, in order, 1-based lines.

    Only the list of references right after a keyword counts (``Depends on #1, #2 and #3``);
    references inside fenced code, inline code and HTML comments are ignored, and so are
    ``owner/repo#N`` references to another repository than ``repo``.
    """
    found: list[tuple[int, int]] = []
    fence = ""
    text = _HTML_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), body)
    for line_no, line in enumerate(text.splitlines(), start=1):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening["fence"][0] == fence[0] and len(opening["fence"]) >= len(fence):
                fence = ""
            continue
        if opening:
            fence = opening["fence"]
            continue
        line = _INLINE_CODE.sub("", line)
        for keyword in _KEYWORD.finditer(line):
            refs = _REF_LIST.match(line, keyword.end())
            if not refs:
                continue
            for ref in _ONE_REF.finditer(refs.group()):
                if ref["repo"] is None or ref["repo"].lower() == repo.lower():
                    found.append((line_no, int(ref["number"])))
    return found


def item_from_issue(raw: dict) -> Item:
    """An :class:`Item` from an issue's JSON: ``wave:N`` pins the wave, ``kind:X`` names the kind."""
    number = raw["number"]
    waves = [m[1].strip() for name in label_names(raw) if (m := _WAVE_LABEL.fullmatch(name))]
    kinds = [m[1].strip() for name in label_names(raw) if (m := _KIND_LABEL.fullmatch(name))]
    origin = Origin(f"issue #{number} labels")
    if len(waves) > 1:
        raise InputError(f"issue #{number} has {len(waves)} wave labels; keep one", origin)
    if waves and not (waves[0].isdecimal() and int(waves[0]) >= 1):
        raise InputError(
            f"issue #{number}: label 'wave:{waves[0]}' must name a wave number 1 or more", origin
        )
    return Item(
        number=number,
        title=raw.get("title") or "",
        kind=kinds[0] if kinds else "",
        body=raw.get("body") or "",
        min_wave=int(waves[0]) if waves else 1,
        url=raw.get("html_url") or "",
        origin=Origin(f"issue #{number}"),
    )


def label_names(raw: dict) -> list[str]:
    return [label["name"] if isinstance(label, dict) else str(label) for label in raw.get("labels") or []]


def is_pull_request(raw: dict) -> bool:
    """Issue lists carry pull requests too, marked by a ``pull_request`` key."""
    return "pull_request" in raw


def open_blockers(raw: dict) -> int:
    """Open issues blocking ``raw`` per its ``issue_dependencies_summary`` (0 when the server has none)."""
    return int((raw.get("issue_dependencies_summary") or {}).get("blocked_by") or 0)


def repository_of(raw: dict) -> str:
    """``OWNER/NAME`` of the issue's repository, from ``repository_url`` (empty when absent)."""
    return (raw.get("repository_url") or "").rpartition("/repos/")[2]


# --- sources -----------------------------------------------------------------------------


def from_label(
    client: GitHubClient, label: str, include_dependencies: bool, refs: References = DEFAULT_REFERENCES
) -> Selection:
    """Open issues labelled ``label`` (pull requests left out) and their dependencies."""
    if not label.strip() or "," in label:
        raise InputError(f"label must be one non-empty label name without commas, got {label!r}")
    selected = {
        raw["number"]: raw for raw in issues.labelled_open_issues(client, label) if not is_pull_request(raw)
    }
    return _with_dependencies(
        client, f"label:{label}", selected, set(), include_dependencies, f"labelled {label!r}", refs
    )


def from_epic(
    client: GitHubClient, epic: int, include_dependencies: bool, refs: References = DEFAULT_REFERENCES
) -> Selection:
    """The open sub-issues of issue ``epic`` (closed ones count as done) and their dependencies."""
    found = issues.sub_issues(client, epic)
    if found is None:
        raise InputError(f"epic issue #{epic} does not exist in {client.full_name}")
    selected: dict[int, dict] = {}
    done: set[int] = set()
    for raw in found:
        if not _same_repo(raw, client):
            if raw.get("state") == "open":
                raise InputError(
                    f"sub-issue {repository_of(raw)}#{raw['number']} of epic #{epic} is in another "
                    f"repository; lumina-wave plans the issues of {client.full_name} only",
                    Origin(f"issue #{epic} sub-issues"),
                )
        elif raw.get("state") == "open" and not is_pull_request(raw):
            selected[raw["number"]] = raw
        else:
            done.add(raw["number"])
    return _with_dependencies(
        client, f"epic:#{epic}", selected, done, include_dependencies, f"a sub-issue of #{epic}", refs
    )


def fill_titles(client: GitHubClient, selection: Selection) -> Selection:
    """Fill in title, body and URL of items that have no title, with as few requests as
    possible (:func:`~lumina_wave.github.issues.find_issues`)."""
    missing = {item.number for item in selection.items if not item.title}
    found = issues.find_issues(client, missing)
    by_number = {item.number: item for item in selection.items}
    absent = sorted(missing - found.keys())
    if absent:
        raise InputError(
            f"issue #{absent[0]} does not exist in {client.full_name}", by_number[absent[0]].origin
        )
    items = []
    for item in selection.items:
        raw = found.get(item.number)
        if raw is not None:
            if is_pull_request(raw):
                raise InputError(f"#{item.number} is a pull request, not an issue", item.origin)
            item = dataclasses.replace(
                item,
                title=raw.get("title") or "",
                body=item.body or raw.get("body") or "",
                url=item.url or raw.get("html_url") or "",
            )
        items.append(item)
    client.log_calls()
    return dataclasses.replace(selection, items=items)


# --- dependencies ------------------------------------------------------------------------


def _with_dependencies(
    client: GitHubClient,
    source: str,
    selected: dict[int, dict],
    done: set[int],
    include: bool,
    scope: str,
    refs: References,
) -> Selection:
    """Follow every selected issue's dependencies; pull open ones in when ``include``.

    The issues a level of the walk refers to outside what is known are looked up together
    (:func:`~lumina_wave.github.issues.find_issues`), at most ``refs.per_plan`` in all.
    """
    items = dict(selected)
    known: dict[int, dict] = dict(selected)
    edges: list[Edge] = []
    warnings: list[tuple[str, Origin | None]] = []
    looked_up = 0
    level = sorted(items)
    while level:
        found = [(number, _edges_of(client, items[number], known, refs)) for number in level]
        wanted = {e.depends_on for _, es in found for e in es} - items.keys() - done - known.keys()
        looked_up += len(wanted)
        if looked_up > refs.per_plan:
            raise InputError(
                f"the issues' bodies name {looked_up:,} or more issues outside the selection; at most "
                f"{refs.per_plan:,} are looked up (input max-references), each costs a request"
            )
        known.update(issues.find_issues(client, wanted))
        level = []
        for number, found_edges in found:
            for edge in found_edges:
                dep = edge.depends_on
                raw = known.get(dep)
                if raw is None and dep not in items and dep not in done:
                    problem = f"issue #{number} depends on #{dep}, which does not exist in {client.full_name}"
                    if not refs.ignore_missing:
                        raise InputError(problem, edge.origin)
                    warnings.append((f"{problem}; ignored (ignore-missing-references)", edge.origin))
                    continue
                edges.append(edge)
                if dep in items or dep in done:
                    continue
                assert raw is not None  # a missing dependency was refused or ignored above
                if raw.get("state") != "open":
                    done.add(dep)
                elif is_pull_request(raw):
                    raise InputError(
                        f"issue #{number} depends on #{dep}, an open pull request; merge or close it first",
                        edge.origin,
                    )
                elif include:
                    items[dep] = raw
                    level.append(dep)
                else:
                    raise InputError(
                        f"issue #{number} depends on #{dep}, which is open and not {scope}; add it, close it, "
                        "or turn on include-dependencies",
                        edge.origin,
                    )
    client.log_calls()
    return Selection(
        source=source,
        items=[item_from_issue(items[n]) for n in sorted(items)],
        edges=edges,
        done=done,
        warnings=warnings,
    )


def _edges_of(client: GitHubClient, raw: dict, known: dict[int, dict], refs: References) -> list[Edge]:
    """Body references (at most ``refs.per_issue`` issues), then native blocked-by relations
    (one request, only when GitHub counts some)."""
    number = raw["number"]
    edges = [
        Edge(number, dep, Origin(f"issue #{number} body", line))
        for line, dep in dependency_refs(raw.get("body") or "", client.full_name)
    ]
    named = list(dict.fromkeys(e.depends_on for e in edges))
    if len(named) > refs.per_issue:
        over = next(e for e in edges if e.depends_on == named[refs.per_issue])
        raise InputError(
            f"issue #{number}'s body names {len(named):,} issues it depends on; at most {refs.per_issue:,}"
            " are read (input max-references-per-issue)",
            over.origin,
        )
    if open_blockers(raw):
        origin = Origin(f"issue #{number} blocked-by")
        for blocker in issues.blocked_by(client, number):
            if not _same_repo(blocker, client):
                if blocker.get("state") == "open":
                    raise InputError(
                        f"issue #{number} is blocked by {repository_of(blocker)}#{blocker['number']}, "
                        "an open issue in another repository",
                        origin,
                    )
                continue
            known.setdefault(blocker["number"], blocker)
            edges.append(Edge(number, blocker["number"], origin))
    return edges


def _same_repo(raw: dict, client: GitHubClient) -> bool:
    repo = repository_of(raw)
    return not repo or repo.lower() == client.full_name.lower()
