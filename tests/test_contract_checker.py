"""The OpenAPI contract checker catches every deliberately wrong request and response."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
from pathlib import Path

import pytest
import requests
from fakegithub.contract import TRIMMED, Contract, to_json_schema
from fakegithub.server import FakeGitHub, shared_contract
from fakegithub.state import Repo

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = ROOT / "tests" / "openapi" / "operations.txt"


@pytest.fixture(scope="module")
def contract() -> Contract:
    return shared_contract()


def request_problems(contract: Contract, method: str, path: str, query=(), body: object = None) -> list[str]:
    raw = b"" if body is None else json.dumps(body).encode()
    return contract.check_request(method, path, list(query), raw)[1]


# --- the description itself ------------------------------------------------------------------


def test_missing_description_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        Contract.load(tmp_path / "api.github.com.json")


def test_trimmed_copy_holds_exactly_the_listed_operations(contract: Contract) -> None:
    listed = {line for line in OPERATIONS.read_text().splitlines() if line and not line.startswith("#")}
    assert contract.operation_ids == listed
    assert contract.spec["info"]["x-trimmed-from"].startswith("@octokit/openapi ")
    assert TRIMMED.is_file()


def test_nullable_becomes_a_type_union() -> None:
    converted = to_json_schema(
        {
            "type": "object",
            "properties": {
                "a": {"type": "string", "nullable": True},
                "b": {"type": "string", "enum": ["x"], "nullable": True},
                "c": {"allOf": [{"$ref": "#/components/schemas/x"}], "nullable": True},
                "nullable": {"type": "integer"},  # a property of that name stays a property
            },
        }
    )
    props = converted["properties"]
    assert props["a"] == {"type": ["string", "null"]}
    assert props["b"] == {"type": ["string", "null"], "enum": ["x", None]}
    assert props["c"] == {"anyOf": [{"allOf": [{"$ref": "#/components/schemas/x"}]}, {"type": "null"}]}
    assert props["nullable"] == {"type": "integer"}


# --- requests --------------------------------------------------------------------------------


def test_a_correct_request_passes(contract: Contract) -> None:
    query = [("state", "open"), ("labels", "wave,ready"), ("per_page", "100"), ("page", "2")]
    assert request_problems(contract, "GET", "/repos/o/r/issues", query) == []
    body = {"title": "t", "head": "feature/issue-1", "base": "main", "body": "Closes #1", "draft": False}
    assert request_problems(contract, "POST", "/repos/o/r/pulls", body=body) == []


def test_unknown_path(contract: Contract) -> None:
    assert request_problems(contract, "GET", "/repos/o/r/issuez") == [
        "no operation has the path /repos/o/r/issuez (is it in tests/openapi/operations.txt?)"
    ]


def test_wrong_method(contract: Contract) -> None:
    assert request_problems(contract, "PUT", "/repos/o/r/pulls") == [
        "/repos/{owner}/{repo}/pulls has no PUT operation (it has GET, POST)"
    ]
    assert request_problems(contract, "DELETE", "/repos/o/r/issues/3") == [
        "/repos/{owner}/{repo}/issues/{issue_number} has no DELETE operation (it has GET)"
    ]


def test_missing_required_body_field(contract: Contract) -> None:
    body = {"title": "t", "base": "main"}
    assert request_problems(contract, "POST", "/repos/o/r/pulls", body=body) == [
        "body: 'head' is a required property"
    ]
    assert request_problems(contract, "POST", "/repos/o/r/issues/1/comments") == [
        "the request body is required"
    ]


def test_wrong_type_of_field(contract: Contract) -> None:
    body = {"title": 7, "head": "h", "base": "main", "draft": "yes"}
    assert request_problems(contract, "POST", "/repos/o/r/pulls", body=body) == [
        "body.draft: 'yes' is not of type 'boolean'",
        "body.title: 7 is not of type 'string'",
    ]
    assert request_problems(contract, "PATCH", "/repos/o/r/pulls/3", body={"state": "merged"}) == [
        "body.state: 'merged' is not one of ['open', 'closed']"
    ]


def test_undeclared_body_field_and_query_parameter(contract: Contract) -> None:
    assert request_problems(
        contract, "PATCH", "/repos/o/r/issues/comments/9", body={"body": "x", "bdy": "y"}
    ) == ["body field 'bdy' is not declared for issues/update-comment"]
    assert request_problems(contract, "GET", "/repos/o/r/issues", [("label", "wave")]) == [
        "query parameter 'label' is not declared for issues/list-for-repo"
    ]


def test_bad_parameter_values(contract: Contract) -> None:
    assert request_problems(
        contract, "GET", "/repos/o/r/issues", [("state", "any"), ("per_page", "ten")]
    ) == [
        "query parameter state='any': 'any' is not one of ['open', 'closed', 'all']",
        "query parameter per_page='ten': 'ten' is not of type 'integer'",
    ]
    assert request_problems(contract, "GET", "/repos/o/r/issues/abc") == [
        "path parameter issue_number='abc': 'abc' is not of type 'integer'"
    ]


def test_body_where_none_is_taken(contract: Contract) -> None:
    assert request_problems(contract, "GET", "/repos/o/r", body={"x": 1}) == [
        "the operation takes no request body"
    ]


# --- responses -------------------------------------------------------------------------------


def test_response_status_and_body(contract: Contract) -> None:
    op, _ = contract.check_request("GET", "/repos/o/r/issues/1", [], b"")
    assert op is not None and op.id == "issues/get"
    assert contract.check_response(op, 404, b'{"message": "Not Found"}') == []
    assert contract.check_response(op, 502, b'{"message": "Server Error"}') == []  # undeclared, error shape
    assert contract.check_response(op, 502, b"<html>") == [
        "status 502 is not declared for issues/get (declared: 200, 301, 304, 404, 410)"
    ]
    assert contract.check_response(op, 201, b"{}")[0].startswith("status 201 is not declared")
    assert contract.check_response(op, 200, b'{"id": 1}')[0] == "body: 'assignee' is a required property"
    delete, _ = contract.check_request("DELETE", "/repos/o/r/issues/comments/5", [], b"")
    assert contract.check_response(delete, 204, b"") == []
    assert contract.check_response(delete, 204, b'{"x": 1}') == [
        'status 204 of issues/delete-comment has no body, got {"x": 1}'
    ]


def test_the_fake_records_wrong_requests_and_broken_handlers(tmp_path: Path) -> None:
    """End to end through the HTTP server: a wrong request and a broken handler both become violations."""
    with FakeGitHub(Repo(name="r")) as fake:
        fake.state.add_issue(1, title="One")
        good = fake.handlers["issues/get"]

        def broken(req):
            status, data, headers = good(req)
            return status, {k: v for k, v in data.items() if k != "user"}, headers

        fake.handlers["issues/get"] = broken
        assert requests.get(f"{fake.url}/repos/octo-org/r/issues/1", timeout=5).status_code == 200
        assert (
            requests.post(f"{fake.url}/repos/octo-org/r/pulls", json={"base": "main"}, timeout=5).status_code
            == 422
        )
        assert requests.get(f"{fake.url}/repos/octo-org/r/nothing-here", timeout=5).status_code == 404
    found = [str(v) for v in fake.violations]
    assert found == [
        "GET /repos/octo-org/r/issues/1 response 200: body: 'user' is a required property",
        "POST /repos/octo-org/r/pulls request: body: 'head' is a required property",
        "GET /repos/octo-org/r/nothing-here request: no operation has the path /repos/octo-org/r/nothing-here"
        " (is it in tests/openapi/operations.txt?)",
    ]
    assert [(r.method, r.status, r.operation) for r in fake.requests] == [
        ("GET", 200, "issues/get"),
        ("POST", 422, "pulls/create"),
        ("GET", 404, None),
    ]


# --- tools/trim-openapi ----------------------------------------------------------------------


def _trim_module():
    loader = importlib.machinery.SourceFileLoader("trim_openapi", str(ROOT / "tools" / "trim-openapi"))
    spec = importlib.util.spec_from_loader("trim_openapi", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_trim_keeps_operations_and_their_references_only() -> None:
    trim = _trim_module().trim
    spec = {
        "openapi": "3.0.3",
        "info": {"version": "1.0"},
        "servers": [{"url": "https://api.github.com"}],
        "paths": {
            "/a": {
                "get": {
                    "operationId": "a/get",
                    "parameters": [{"$ref": "#/components/parameters/p"}],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}, "examples": {"x": {"$ref": "#/components/examples/e"}}}}}},
                },
                "post": {"operationId": "a/post", "responses": {}},
            },
            "/b": {"get": {"operationId": "b/get", "responses": {}}},
        },
        "components": {
            "parameters": {"p": {"name": "p", "in": "query", "schema": {"type": "string"}}},
            "schemas": {
                "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}, "example": {"b": 1}},
                "B": {"type": "integer"},
                "Unused": {"type": "string"},
            },
            "examples": {"e": {"value": 1}},
        },
    }  # fmt: skip
    out = trim(spec, {"a/get"})
    assert list(out["paths"]) == ["/a"] and list(out["paths"]["/a"]) == ["get"]
    assert out["components"] == {
        "parameters": {"p": spec["components"]["parameters"]["p"]},
        "schemas": {"A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}}, "B": {"type": "integer"}},
    }
    with pytest.raises(SystemExit, match="not in the description: c/get"):
        trim(spec, {"a/get", "c/get"})
