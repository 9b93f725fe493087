"""What the fake forge is checked against.

GitHub: the official OpenAPI description shipped in the npm package ``@octokit/openapi``
(``generated/api.github.com.json``), validated with openapi-core. Loaded once per test session (13 MB);
the document itself is GitHub's and not re-validated (that alone takes ~20 s).

GitLab publishes no OpenAPI description for the Notes API, so the shapes below are transcribed from
its REST documentation: docs.gitlab.com/api/notes ("List all merge request notes", "Create new merge
request note", "Modify existing merge request note", "Delete a merge request note", and the note
object of the responses), docs.gitlab.com/api/users ("Get the current user") and
docs.gitlab.com/api/rest ("Pagination": X-Next-Page, X-Page, X-Per-Page, X-Total, X-Total-Pages, Link),
and docs.gitlab.com/api/commits ("Set the pipeline status of a commit", "List the statuses of a
commit", and the commit status object of their responses).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema

ROOT = Path(__file__).resolve().parents[2]
GITHUB_SPEC = ROOT / "node_modules" / "@octokit" / "openapi" / "generated" / "api.github.com.json"


@functools.lru_cache(maxsize=1)
def github_document() -> dict[str, Any]:
    return json.loads(GITHUB_SPEC.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1)
def github_openapi() -> Any:
    from jsonschema_path import SchemaPath
    from openapi_core import Config, OpenAPI

    return OpenAPI(SchemaPath.from_dict(github_document()), config=Config(spec_validator_cls=None))


class _Request:
    """openapi-core's Request protocol for one request the fake server received."""

    def __init__(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes | None
    ) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.host_url = "https://api.github.com"  # the spec's server; the fake serves it under /api/v3
        self.path = path
        self.method = method.lower()
        self.body = body or None
        self.content_type = headers.get("content-type", "application/json").lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict([(k, v) for k, vs in query.items() for v in vs]), header=Headers(headers)
        )


class _Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        from werkzeug.datastructures import Headers

        self.status_code = status
        self.headers = Headers(headers)
        self.content_type = headers.get("Content-Type", "application/json")
        self.data = body


def _why(exc: Exception) -> str:
    cause = exc.__cause__
    details = getattr(cause, "schema_errors", None) or getattr(exc, "schema_errors", None)
    if details:
        return f"{type(exc).__name__}: " + "; ".join(e.message[:300] for e in details)
    return (f"{type(exc).__name__}: {exc}" + (f" ({cause})" if cause else ""))[:600]


@functools.lru_cache(maxsize=1)
def _templates() -> list[tuple[Any, dict[str, Any]]]:
    import re

    return [
        (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"), item)
        for template, item in github_document()["paths"].items()
    ]


@functools.lru_cache(maxsize=256)
def documented_statuses(method: str, path: str) -> frozenset[str]:
    """The statuses GitHub documents for the operation matching ``path`` (template match)."""
    for pattern, item in _templates():
        if pattern.match(path) and method.lower() in item:
            return frozenset(item[method.lower()]["responses"])
    return frozenset()


def github_request_errors(
    method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes | None
) -> list[str]:
    try:
        github_openapi().validate_request(_Request(method, path, query, headers, body))
    except Exception as exc:  # openapi-core raises a family of validation errors
        return [f"request {method} {path}: {_why(exc)}"]
    return []


def github_response_errors(
    method: str,
    path: str,
    query: dict[str, list[str]],
    headers: dict[str, str],
    body: bytes | None,
    status: int,
    resp_headers: dict[str, str],
    resp_body: bytes,
) -> list[str]:
    """Validate a response whose status GitHub documents; fault-injected statuses it does not document
    (e.g. 429, 502 on these endpoints) are skipped by the caller."""
    try:
        github_openapi().validate_response(
            _Request(method, path, query, headers, body), _Response(status, resp_headers, resp_body)
        )
    except Exception as exc:
        return [f"response {status} to {method} {path}: {_why(exc)}"]
    return []


# ---- builders of schema-valid GitHub objects, generated from the document itself -------------------


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = github_document()
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def sample(schema: dict[str, Any], name: str = "x") -> Any:
    """A minimal instance of ``schema``: required properties only, first alternative, first enum."""
    schema = _resolve(schema)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return sample(schema[key][0], name)
    if "allOf" in schema:
        out: dict[str, Any] = {}
        for part in schema["allOf"]:
            out.update(sample(part, name))
        return out
    if "enum" in schema:
        return schema["enum"][0]
    typ = schema.get("type", "object")
    if typ == "object":
        props = schema.get("properties", {})
        return {k: sample(props.get(k, {"type": "string"}), k) for k in schema.get("required", [])}
    if typ == "array":
        return []
    if typ == "integer":
        return 1
    if typ == "number":
        return 1.0
    if typ == "boolean":
        return False
    fmt = schema.get("format")
    if fmt == "date-time":
        return "2024-01-01T00:00:00Z"
    if fmt == "uri":
        return f"https://api.github.com/{name}"
    if fmt == "email":
        return "octocat@example.com"
    return name


def github_object(schema_name: str, **overrides: Any) -> dict[str, Any]:
    obj = sample({"$ref": f"#/components/schemas/{schema_name}"})
    obj.update(overrides)
    return obj  # type: ignore[no-any-return]


# ---- GitLab shapes (transcribed from the REST API documentation) ----------------------------------

GITLAB_USER = {
    "type": "object",
    "required": ["id", "username", "name", "state"],
    "properties": {
        "id": {"type": "integer"},
        "username": {"type": "string"},
        "name": {"type": "string"},
        "state": {"type": "string"},
        "avatar_url": {"type": ["string", "null"]},
        "web_url": {"type": "string"},
    },
}
GITLAB_NOTE = {
    "type": "object",
    "required": [
        "id",
        "body",
        "author",
        "created_at",
        "updated_at",
        "system",
        "noteable_id",
        "noteable_type",
        "noteable_iid",
        "project_id",
        "resolvable",
        "confidential",
        "internal",
    ],
    "properties": {
        "id": {"type": "integer"},
        "body": {"type": "string", "maxLength": 1_000_000},
        "attachment": {"type": ["string", "null"]},
        "author": GITLAB_USER,
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "system": {"type": "boolean"},
        "noteable_id": {"type": "integer"},
        "noteable_type": {"enum": ["MergeRequest"]},
        "noteable_iid": {"type": "integer"},
        "project_id": {"type": "integer"},
        "resolvable": {"type": "boolean"},
        "confidential": {"type": "boolean"},
        "internal": {"type": "boolean"},
    },
}
GITLAB_NOTE_LIST = {"type": "array", "items": GITLAB_NOTE}
GITLAB_ERROR = {"type": "object", "required": ["message"], "properties": {"message": {}}}
# POST .../notes: body (required, up to 1,000,000 characters), internal, merge_request_diff_head_sha,
# created_at. PUT .../notes/:note_id: body.
GITLAB_CREATE_NOTE = {
    "type": "object",
    "required": ["body"],
    "additionalProperties": False,
    "properties": {
        "body": {"type": "string", "minLength": 1, "maxLength": 1_000_000},
        "internal": {"type": "boolean"},
        "merge_request_diff_head_sha": {"type": "string"},
        "created_at": {"type": "string"},
    },
}
GITLAB_UPDATE_NOTE = {
    "type": "object",
    "required": ["body"],
    "additionalProperties": False,
    "properties": {"body": {"type": "string", "minLength": 1, "maxLength": 1_000_000}},
}
GITLAB_LIST_QUERY = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "per_page": {"type": "string", "pattern": "^(100|[1-9][0-9]?)$"},
        "page": {"type": "string", "pattern": "^[1-9][0-9]*$"},
        "sort": {"enum": ["asc", "desc"]},
        "order_by": {"enum": ["created_at", "updated_at"]},
    },
}


# POST /projects/:id/statuses/:sha: state (required), ref, name or context, target_url, description,
# coverage, pipeline_id.
GITLAB_CREATE_STATUS = {
    "type": "object",
    "required": ["state"],
    "additionalProperties": False,
    "properties": {
        "state": {"enum": ["pending", "running", "success", "failed", "canceled", "skipped"]},
        "ref": {"type": "string"},
        "name": {"type": "string", "minLength": 1},
        "context": {"type": "string", "minLength": 1},
        "target_url": {"type": "string", "pattern": "^https?://"},
        "description": {"type": "string"},
        "coverage": {"type": "number"},
        "pipeline_id": {"type": "integer"},
    },
}
GITLAB_STATUS = {
    "type": "object",
    "required": ["id", "sha", "status", "name", "author", "created_at", "allow_failure"],
    "properties": {
        "id": {"type": "integer"},
        "sha": {"type": "string", "pattern": "^[0-9a-f]{40}$"},
        "ref": {"type": ["string", "null"]},
        "status": {"enum": ["pending", "running", "success", "failed", "canceled", "skipped"]},
        "name": {"type": "string"},
        "target_url": {"type": ["string", "null"]},
        "description": {"type": ["string", "null"]},
        "coverage": {"type": ["number", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "started_at": {"type": ["string", "null"]},
        "finished_at": {"type": ["string", "null"]},
        "allow_failure": {"type": "boolean"},
        "author": GITLAB_USER,
    },
}
GITLAB_STATUS_LIST = {"type": "array", "items": GITLAB_STATUS}
# GET /projects/:id/repository/commits/:sha/statuses: ref, stage, name, pipeline_id, order_by, sort,
# all (and the pagination parameters).
GITLAB_STATUS_QUERY = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "ref": {"type": "string"},
        "stage": {"type": "string"},
        "name": {"type": "string"},
        "pipeline_id": {"type": "string", "pattern": "^[0-9]+$"},
        "order_by": {"enum": ["id", "pipeline_id"]},
        "sort": {"enum": ["asc", "desc"]},
        "all": {"enum": ["true", "false"]},
        "per_page": {"type": "string", "pattern": "^(100|[1-9][0-9]?)$"},
        "page": {"type": "string", "pattern": "^[1-9][0-9]*$"},
    },
}


def gitlab_errors(instance: Any, schema: dict[str, Any], what: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{what}: {e.message} at {list(e.absolute_path)}" for e in validator.iter_errors(instance)]
