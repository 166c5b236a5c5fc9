"""JSON objects as api.github.com renders them: one factory per object type.

Each factory fills every field the OpenAPI schema requires (the contract checker proves it
on every response) plus the ones PyGithub reads. ``api`` is the fake's API root URL
(``http://127.0.0.1:PORT`` or ``…/api/v3``); html links point at ``https://github.com``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .state import BASE_ROLES, LEGACY_PERMISSION, User

if TYPE_CHECKING:
    from .state import Comment, Issue, Job, Pull, Reaction, Repo, Stack

HTML = "https://github.com"
_EPOCH = "2024-01-01T00:00:00Z"
# The URL fields every repository object carries, as GitHub writes them below the repo's API URL.
_REPO_URLS = {
    "archive_url": "/{archive_format}{/ref}",
    "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}",
    "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}",
    "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}",
    "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}",
    "contributors_url": "/contributors",
    "deployments_url": "/deployments",
    "downloads_url": "/downloads",
    "events_url": "/events",
    "forks_url": "/forks",
    "git_commits_url": "/git/commits{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}",
    "issue_events_url": "/issues/events{/number}",
    "issues_url": "/issues{/number}",
    "keys_url": "/keys{/key_id}",
    "labels_url": "/labels{/name}",
    "languages_url": "/languages",
    "merges_url": "/merges",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}",
    "stargazers_url": "/stargazers",
    "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "tags_url": "/tags",
    "teams_url": "/teams",
    "trees_url": "/git/trees{/sha}",
}


def node_id(kind: str, number: int) -> str:
    return f"{kind}_kwDO{number:08d}"


def user(api: str, who: User) -> dict[str, Any]:
    """``simple-user``."""
    url = f"{api}/users/{who.login}"
    return {
        "login": who.login,
        "id": who.id,
        "node_id": node_id("U", who.id),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{who.id}?v=4",
        "gravatar_id": "",
        "url": url,
        "html_url": f"{HTML}/{who.login.removesuffix('[bot]')}",
        "followers_url": f"{url}/followers",
        "following_url": f"{url}/following{{/other_user}}",
        "gists_url": f"{url}/gists{{/gist_id}}",
        "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{url}/subscriptions",
        "organizations_url": f"{url}/orgs",
        "repos_url": f"{url}/repos",
        "events_url": f"{url}/events{{/privacy}}",
        "received_events_url": f"{url}/received_events",
        "type": who.type,
        "site_admin": False,
    }


def repository(api: str, repo: Repo, full: bool = False) -> dict[str, Any]:
    """``repository`` (in pull request heads and bases), or ``full-repository`` (GET repo)."""
    url = f"{api}/repos/{repo.full_name}"
    data: dict[str, Any] = {
        "id": repo.id,
        "node_id": node_id("R", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "owner": user(api, repo.owner),
        "private": False,
        "html_url": f"{HTML}/{repo.full_name}",
        "description": None,
        "fork": False,
        "url": url,
        **{key: url + suffix for key, suffix in _REPO_URLS.items()},
        "git_url": f"git://github.com/{repo.full_name}.git",
        "ssh_url": f"git@github.com:{repo.full_name}.git",
        "clone_url": f"{HTML}/{repo.full_name}.git",
        "svn_url": f"{HTML}/{repo.full_name}",
        "mirror_url": None,
        "homepage": None,
        "language": "Python",
        "forks": 0,
        "forks_count": 0,
        "stargazers_count": 0,
        "watchers": 0,
        "watchers_count": 0,
        "size": 1,
        "default_branch": repo.default_branch,
        "open_issues": repo.open_issues,
        "open_issues_count": repo.open_issues,
        "has_issues": True,
        "has_projects": True,
        "has_wiki": True,
        "has_pages": False,
        "has_downloads": True,
        "has_discussions": False,
        "archived": False,
        "disabled": False,
        "visibility": "public",
        "license": None,
        "pushed_at": _EPOCH,
        "created_at": _EPOCH,
        "updated_at": _EPOCH,
    }
    if full:
        data.update(network_count=0, subscribers_count=0)
    return data


def label(api: str, repo: Repo, name: str) -> dict[str, Any]:
    """``label``."""
    spec = repo.labels[name]
    return {
        "id": spec.id,
        "node_id": node_id("LA", spec.id),
        "url": f"{api}/repos/{repo.full_name}/labels/{name}",
        "name": name,
        "description": spec.description,
        "color": spec.color,
        "default": False,
    }


def _pull_label(api: str, repo: Repo, name: str) -> dict[str, Any]:
    """A label as a pull request carries it: ``pull-request(-simple)`` says its description is a
    string (not null)."""
    return {**label(api, repo, name), "description": repo.labels[name].description or ""}


def issue(api: str, repo: Repo, item: Issue) -> dict[str, Any]:
    """``issue``: also what GitHub lists for a pull request (then with a ``pull_request`` key)."""
    url = f"{api}/repos/{repo.full_name}/issues/{item.number}"
    data: dict[str, Any] = {
        "id": item.id,
        "node_id": node_id("I", item.id),
        "url": url,
        "repository_url": f"{api}/repos/{repo.full_name}",
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": f"{HTML}/{repo.full_name}/{'pull' if item.is_pull else 'issues'}/{item.number}",
        "number": item.number,
        "state": item.state,
        "state_reason": "completed" if item.state == "closed" else None,
        "title": item.title,
        "body": item.body,
        "user": user(api, item.user),
        "labels": [label(api, repo, name) for name in item.labels],
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "locked": False,
        "active_lock_reason": None,
        "comments": repo.comment_count(item.number),
        "closed_at": item.closed_at,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "author_association": "OWNER",
        "issue_dependencies_summary": {
            "blocked_by": sum(repo.issues[n].state == "open" for n in item.blocked_by),
            "blocking": sum(repo.issues[n].state == "open" for n in repo.blocking(item.number)),
            "total_blocked_by": len(item.blocked_by),
            "total_blocking": len(repo.blocking(item.number)),
        },
        "sub_issues_summary": _sub_issues_summary(repo, item),
    }
    if item.is_pull:
        pulls = f"{api}/repos/{repo.full_name}/pulls/{item.number}"
        data["pull_request"] = {
            "url": pulls,
            "html_url": data["html_url"],
            "diff_url": f"{data['html_url']}.diff",
            "patch_url": f"{data['html_url']}.patch",
            "merged_at": repo.pulls[item.number].merged_at,
        }
        data["draft"] = repo.pulls[item.number].draft
    return data


def _sub_issues_summary(repo: Repo, item: Issue) -> dict[str, int]:
    total = len(item.sub_issues)
    done = sum(repo.issues[n].state == "closed" for n in item.sub_issues)
    return {"total": total, "completed": done, "percent_completed": done * 100 // total if total else 0}


def pull(api: str, repo: Repo, item: Issue, pr: Pull, full: bool = True) -> dict[str, Any]:
    """``pull-request`` (get, create, update), or ``pull-request-simple`` (list) when not ``full``."""
    url = f"{api}/repos/{repo.full_name}/pulls/{item.number}"
    issue_url = f"{api}/repos/{repo.full_name}/issues/{item.number}"
    html = f"{HTML}/{repo.full_name}/pull/{item.number}"
    statuses = f"{api}/repos/{repo.full_name}/statuses/{pr.head_sha}"
    data: dict[str, Any] = {
        "id": pr.id,
        "node_id": node_id("PR", pr.id),
        "url": url,
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue_url,
        "commits_url": f"{url}/commits",
        "review_comments_url": f"{url}/comments",
        "review_comment_url": f"{api}/repos/{repo.full_name}/pulls/comments{{/number}}",
        "comments_url": f"{issue_url}/comments",
        "statuses_url": statuses,
        "number": item.number,
        "state": item.state,
        "locked": False,
        "title": item.title,
        "user": user(api, item.user),
        "body": item.body,
        "labels": [_pull_label(api, repo, name) for name in item.labels],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "closed_at": item.closed_at,
        "merged_at": pr.merged_at,
        "merge_commit_sha": None,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": _ref(api, repo, pr.head, pr.head_sha),
        "base": _ref(api, repo, pr.base, pr.base_sha),
        "_links": {
            "self": {"href": url},
            "html": {"href": html},
            "issue": {"href": issue_url},
            "comments": {"href": f"{issue_url}/comments"},
            "review_comments": {"href": f"{url}/comments"},
            "review_comment": {"href": f"{api}/repos/{repo.full_name}/pulls/comments{{/number}}"},
            "commits": {"href": f"{url}/commits"},
            "statuses": {"href": statuses},
        },
        "author_association": "NONE",
        "auto_merge": None,
        "draft": pr.draft,
    }
    if full:
        data.update(
            merged=pr.merged_at is not None,
            mergeable=None,
            rebaseable=None,
            mergeable_state="unknown",
            merged_by=None,
            comments=repo.comment_count(item.number),
            review_comments=0,
            maintainer_can_modify=pr.maintainer_can_modify,
            commits=1,
            additions=0,
            deletions=0,
            changed_files=0,
        )
    return data


def _ref(api: str, repo: Repo, branch: str, sha: str) -> dict[str, Any]:
    return {
        "label": f"{repo.owner.login}:{branch}",
        "ref": branch,
        "sha": sha,
        "user": user(api, repo.owner),
        "repo": repository(api, repo),
    }


def stack(api: str, repo: Repo, item: Stack, full: bool) -> dict[str, Any]:
    """``pull-request-stack-minimal`` (list), or the create/add answer when ``full``."""
    pulls = []
    for n in item.pulls:
        issue, pr = repo.pull(n)
        entry: dict[str, Any] = {
            "number": n,
            "state": issue.state,
            "draft": pr.draft,
            "merged_at": None,
            "head": {"ref": pr.head, "sha": pr.head_sha},
        }
        if full:
            short = {"id": repo.id, "url": f"{api}/repos/{repo.full_name}", "name": repo.name}
            entry.update(
                id=pr.id,
                url=f"{api}/repos/{repo.full_name}/pulls/{n}",
                node_id=node_id("PR", pr.id),
                title=issue.title,
                html_url=f"{HTML}/{repo.full_name}/pull/{n}",
                user=user(api, issue.user),
                head={"ref": pr.head, "sha": pr.head_sha, "repo": short},
                base={"ref": pr.base, "sha": pr.base_sha, "repo": short},
            )
        pulls.append(entry)
    bottom = repo.pulls[item.pulls[0]]
    return {
        "id": item.id,
        "number": item.number,
        "node_id": node_id("S", item.id),
        "url": f"{api}/repos/{repo.full_name}/stacks/{item.number}",
        "base": {"ref": bottom.base},
        "open": any(repo.issues[n].state == "open" for n in item.pulls),
        "created_at": item.created_at,
        "pull_requests": pulls,
    }


def collaborator_permission(api: str, repo: Repo, login: str) -> dict[str, Any]:
    """``repository-collaborator-permission``: the role and its base, as GitHub computes them."""
    role, base = repo.role(login)
    rank = BASE_ROLES.index(base)
    who = User(login, 10_000 + sum(map(ord, login)), "Bot" if login.endswith("[bot]") else "User")
    flags = {name: rank >= BASE_ROLES.index(level) for name, level in _FLAGS.items()}
    return {
        "permission": LEGACY_PERMISSION[base],
        "role_name": role,
        "user": {**user(api, who), "permissions": flags, "role_name": role},
    }


_FLAGS = {"pull": "read", "triage": "triage", "push": "write", "maintain": "maintain", "admin": "admin"}


def reaction(api: str, item: Reaction) -> dict[str, Any]:
    """``reaction``."""
    return {
        "id": item.id,
        "node_id": node_id("REA", item.id),
        "user": user(api, item.user),
        "content": item.content,
        "created_at": item.created_at,
    }


def comment(api: str, repo: Repo, item: Comment) -> dict[str, Any]:
    """``issue-comment``."""
    target = repo.issues[item.issue_number]
    kind = "pull" if target.is_pull else "issues"
    return {
        "id": item.id,
        "node_id": node_id("IC", item.id),
        "url": f"{api}/repos/{repo.full_name}/issues/comments/{item.id}",
        "html_url": f"{HTML}/{repo.full_name}/{kind}/{item.issue_number}#issuecomment-{item.id}",
        "issue_url": f"{api}/repos/{repo.full_name}/issues/{item.issue_number}",
        "body": item.body,
        "user": user(api, item.user),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "author_association": "CONTRIBUTOR" if item.user.type == "Bot" else "OWNER",
    }


def job(api: str, repo: Repo, item: Job) -> dict[str, Any]:
    """``job`` (one entry of GET …/actions/runs/{run_id}/jobs)."""
    return {
        "id": item.id,
        "run_id": item.run_id,
        "run_url": f"{api}/repos/{repo.full_name}/actions/runs/{item.run_id}",
        "run_attempt": 1,
        "node_id": node_id("CR", item.id),
        "head_sha": "0" * 40,
        "url": f"{api}/repos/{repo.full_name}/actions/jobs/{item.id}",
        "html_url": f"{HTML}/{repo.full_name}/actions/runs/{item.run_id}/job/{item.id}",
        "status": item.status,
        "conclusion": item.conclusion,
        "created_at": item.started_at or _EPOCH,
        "started_at": item.started_at or _EPOCH,
        "completed_at": item.completed_at,
        "name": item.name,
        "steps": [],
        "check_run_url": f"{api}/repos/{repo.full_name}/check-runs/{item.id}",
        "labels": ["ubuntu-latest"],
        "runner_id": 1,
        "runner_name": "GitHub Actions 1",
        "runner_group_id": 1,
        "runner_group_name": "GitHub Actions",
        "workflow_name": "lumina-wave",
        "head_branch": repo.default_branch,
    }


def error(message: str, errors: list[dict] | None = None) -> dict[str, Any]:
    """``basic-error`` / ``validation-error``."""
    data: dict[str, Any] = {"message": message, "documentation_url": "https://docs.github.com/rest"}
    if errors is not None:
        data["errors"] = errors
        data["status"] = "422"
    return data
