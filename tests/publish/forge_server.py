"""A fake GitHub (under /api/v3, like GitHub Enterprise Server) and GitLab (/api/v4) on 127.0.0.1.

It behaves like the real services where mlgate depends on it: Link/X-Next-Page pagination, 401 for
unknown tokens, 403 "Resource not accessible by integration" for read-only tokens, installation tokens
that cannot call GET /user, and error bodies shaped as documented. Every request received and every
response sent is validated (forge_specs); violations are collected in ``Forge.violations``.
Faults (5xx bursts, rate limits, slow responses, a barrier to force races) are injected per request.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.publish import forge_specs as specs

DOCS = "https://docs.github.com/rest"


@dataclass
class User:
    login: str
    id: int
    write: bool = True
    app: bool = False  # an installation token (GITHUB_TOKEN): no GET /user, may create check runs


@dataclass
class Fault:
    method: str
    path: str  # regex searched in the path
    status: int = 0  # 0: process normally (with ``delay`` before answering); -1: hang up, no answer
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0
    times: int = 1
    barrier: threading.Barrier | None = None
    # True: the request is processed (a comment stored) and only then answered with ``status``,
    # like a gateway timing out while the application commits ("502 after storing").
    after: bool = False
    # A body that is not JSON (a proxy's HTML page), sent as is with ``content_type``.
    raw: bytes | None = None
    content_type: str = "text/html; charset=utf-8"


@dataclass
class Pull:
    """An open (or closed) pull request of octo/repo, from ``head_repo``'s branch ``head_ref``."""

    number: int
    head_sha: str
    head_ref: str = "feature"
    head_repo: str = "mallory/repo"
    state: str = "open"
    merge_commit_sha: str | None = None


@dataclass
class Forge:
    users: dict[str, User] = field(default_factory=dict)
    pulls: dict[int, Pull] = field(default_factory=dict)
    # Commits the API knows beyond pull request heads: sha -> parent shas (merge commits).
    commits: dict[str, list[str]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    notes: dict[int, dict[str, Any]] = field(default_factory=dict)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    check_runs: list[dict[str, Any]] = field(default_factory=list)
    gl_statuses: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    log: list[tuple[str, str, int]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    undocumented: list[tuple[str, str, int]] = field(default_factory=list)
    seen_headers: list[dict[str, str]] = field(default_factory=list)
    page_size: int = 100  # cap below per_page to force pagination with few comments
    lock: threading.RLock = field(default_factory=threading.RLock)
    next_id: int = 1000
    base_url: str = ""

    def new_id(self) -> int:
        with self.lock:
            self.next_id += 1
            return self.next_id

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.method == method and re.search(fault.path, path) and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    # -- state helpers for tests --
    def add_comment(self, issue: int, login: str, body: str) -> int:
        user = next(u for u in self.users.values() if u.login == login)
        cid = self.new_id()
        self.comments[cid] = {"id": cid, "issue": issue, "body": body, "user": user}
        return cid

    def add_note(self, iid: int, user: User, body: str, system: bool = False) -> int:
        nid = self.new_id()
        self.notes[nid] = {"id": nid, "iid": iid, "body": body, "user": user, "system": system}
        return nid

    def pr_comments(self, issue: int) -> list[dict[str, Any]]:
        return sorted((c for c in self.comments.values() if c["issue"] == issue), key=lambda c: c["id"])


Reply = tuple[int, dict[str, str], Any]


def _gh_user(u: User) -> dict[str, Any]:
    return specs.github_object("simple-user", login=u.login, id=u.id, type="Bot" if u.app else "User")


def _gh_error(status: int, message: str) -> Reply:
    return status, {}, {"message": message, "documentation_url": DOCS}


def _page(items: list[Any], query: dict[str, list[str]], cap: int, url: str, gitlab: bool) -> Reply:
    per_page = min(int(query.get("per_page", ["30" if not gitlab else "20"])[0]), 100, cap)
    page = int(query.get("page", ["1"])[0])
    chunk = items[(page - 1) * per_page : page * per_page]
    headers: dict[str, str] = {}
    last = max(1, -(-len(items) // per_page))
    rest = "&".join(f"{k}={v[0]}" for k, v in query.items() if k not in ("page",))
    if page < last:
        headers["Link"] = (
            f'<{url}?{rest}&page={page + 1}>; rel="next", <{url}?{rest}&page={last}>; rel="last"'
        )
    if gitlab:
        headers.update(
            {
                "X-Page": str(page),
                "X-Per-Page": str(per_page),
                "X-Total": str(len(items)),
                "X-Total-Pages": str(last),
                "X-Next-Page": str(page + 1) if page < last else "",
            }
        )
    return 200, headers, chunk


class Handler(BaseHTTPRequestHandler):
    forge: Forge
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _dispatch(self) -> None:
        forge = self.forge
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        with forge.lock:
            forge.seen_headers.append(headers)
        method = self.command
        fault = forge.take_fault(method, parts.path)
        if fault is not None and fault.barrier is not None:
            fault.barrier.wait(timeout=5)
        if fault is not None and fault.status == -1:
            with forge.lock:
                forge.log.append((method, self.path, -1))
            self.close_connection = True
            return
        if fault is not None and fault.status and not fault.after:
            status, extra, body = fault.status, dict(fault.headers), fault.body
        elif parts.path.startswith("/api/v3/"):
            status, extra, body = self._github(method, parts.path[len("/api/v3") :], query, headers, raw)
        elif parts.path.startswith("/api/v4/"):
            status, extra, body = self._gitlab(method, parts.path[len("/api/v4") :], query, headers, raw)
        else:
            status, extra, body = 404, {}, {"message": "Not Found"}
        if fault is not None and fault.after and fault.status:
            status, extra, body = fault.status, dict(fault.headers), fault.body
        data = b"" if body is None else json.dumps(body).encode()
        out_headers = (
            {"Content-Type": "application/json; charset=utf-8", **extra} if body is not None else extra
        )
        if fault is not None and fault.raw is not None:
            # Not JSON: nothing to check against the API description.
            data, out_headers = fault.raw, {**extra, "Content-Type": fault.content_type}
            if fault.status:
                status = fault.status
            forge.undocumented.append((method, parts.path, status))
        elif parts.path.startswith("/api/v3/"):
            # Statuses GitHub returns but does not document for the operation (403 on check-runs for
            # a non-app token, injected 429/5xx) cannot be validated; they are listed instead.
            if str(status) in specs.documented_statuses(method, parts.path[7:]):
                forge.violations += specs.github_response_errors(
                    method, parts.path[7:], query, headers, raw, status, out_headers, data
                )
            else:
                forge.undocumented.append((method, parts.path[7:], status))
        with forge.lock:
            forge.log.append((method, self.path, status))
        if fault is not None and fault.delay:
            time.sleep(fault.delay)  # processed, answered late: the client may have given up
        try:
            self.send_response(status)
            for k, v in out_headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _dispatch

    # ---------------------------------------------------------------- GitHub
    def _github(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], raw: bytes
    ) -> Reply:
        forge = self.forge
        forge.violations += specs.github_request_errors(method, path, query, headers, raw or None)
        auth = headers.get("authorization", "")
        user = forge.users.get(auth.removeprefix("Bearer ").removeprefix("token "))
        if user is None:
            return _gh_error(401, "Bad credentials")
        if headers.get("x-github-api-version") != "2022-11-28" or "user-agent" not in headers:
            forge.violations.append(f"{method} {path}: missing API version or User-Agent header")
        body = json.loads(raw) if raw else None
        if isinstance(body, dict) and len(str(body.get("body", ""))) > 65536:
            # What GitHub answers to an oversized comment (422 validation-error).
            return (
                422,
                {},
                {
                    "message": "Validation Failed",
                    "documentation_url": DOCS,
                    "errors": [
                        {
                            "resource": "IssueComment",
                            "code": "custom",
                            "field": "body",
                            "message": "body is too long (maximum is 65536 characters)",
                        }
                    ],
                },
            )
        url = forge.base_url + "/api/v3" + path
        with forge.lock:
            if path == "/user" and method == "GET":
                if user.app:
                    return _gh_error(403, "Resource not accessible by integration")
                return (
                    200,
                    {},
                    specs.github_object(
                        "private-user", login=user.login, id=user.id, user_view_type="private"
                    ),
                )
            m = re.fullmatch(r"/repos/([^/]+)/([^/]+)/issues/(\d+)/comments", path)
            if m and method == "GET":
                items = [
                    self._gh_comment(c, m.group(1), m.group(2)) for c in forge.pr_comments(int(m.group(3)))
                ]
                return _page(items, query, forge.page_size, url, gitlab=False)
            if not user.write and method in ("POST", "PATCH", "DELETE"):
                return _gh_error(403, "Resource not accessible by integration")
            if m and method == "POST":
                cid = forge.add_comment(int(m.group(3)), user.login, body["body"])
                return 201, {"Location": url}, self._gh_comment(forge.comments[cid], m.group(1), m.group(2))
            m = re.fullmatch(r"/repos/([^/]+)/([^/]+)/issues/comments/(\d+)", path)
            if m:
                c = forge.comments.get(int(m.group(3)))
                if c is None:
                    return _gh_error(404, "Not Found")
                if c["user"] is not user:  # only the author (or a maintainer) may edit; we model authors
                    return _gh_error(403, "Must have admin rights to Repository.")
                if method == "PATCH":
                    c["body"] = body["body"]
                    return 200, {}, self._gh_comment(c, m.group(1), m.group(2))
                if method == "DELETE":
                    del forge.comments[c["id"]]
                    return 204, {}, None
            m = re.fullmatch(r"/repos/([^/]+)/([^/]+)/pulls", path)
            if m and method == "GET":
                # GitHub filters on head "user:ref-name" and state (default open).
                head = query.get("head", [None])[0]
                state = query.get("state", ["open"])[0]
                items = [
                    self._gh_pull(pr, m.group(1), m.group(2), simple=True)
                    for pr in sorted(forge.pulls.values(), key=lambda p: p.number)
                    if (state == "all" or pr.state == state)
                    and (head is None or head == f"{pr.head_repo.split('/')[0]}:{pr.head_ref}")
                ]
                return _page(items, query, forge.page_size, url, gitlab=False)
            m = re.fullmatch(r"/repos/([^/]+)/([^/]+)/pulls/(\d+)", path)
            if m and method == "GET":
                pr = forge.pulls.get(int(m.group(3)))
                if pr is None:
                    return _gh_error(404, "Not Found")
                return 200, {}, self._gh_pull(pr, m.group(1), m.group(2), simple=False)
            m = re.fullmatch(r"/repos/([^/]+)/([^/]+)/commits/([^/]+)", path)
            if m and method == "GET":
                parents = forge.commits.get(m.group(3))
                if parents is None:
                    return (
                        404,
                        {},
                        {
                            "message": "No commit found for SHA: " + m.group(3),
                            "documentation_url": DOCS,
                            "status": "404",
                        },
                    )
                return (
                    200,
                    {},
                    specs.github_object(
                        "commit",
                        sha=m.group(3),
                        parents=[{"sha": sha, "url": f"{url}/{sha}"} for sha in parents],
                    ),
                )
            m = re.fullmatch(r"/repos/([^/]+)/([^/]+)/statuses/([0-9a-f]+)", path)
            if m and method == "POST" and len(body.get("description") or "") > 140:
                return (
                    422,
                    {},
                    {
                        "message": "Validation Failed",
                        "documentation_url": DOCS,
                        "errors": [
                            {
                                "resource": "Status",
                                "code": "custom",
                                "field": "description",
                                "message": "description is too long (maximum is 140 characters)",
                            }
                        ],
                    },
                )
            if m and method == "POST":
                forge.statuses.append({"sha": m.group(3), **body})
                return (
                    201,
                    {},
                    specs.github_object(
                        "status",
                        state=body["state"],
                        context=body.get("context", "default"),
                        description=body.get("description"),
                        target_url=body.get("target_url"),
                        creator=_gh_user(user),
                    ),
                )
            m = re.fullmatch(r"/repos/([^/]+)/([^/]+)/commits/([^/]+)/check-runs", path)
            if m and method == "GET":
                name = query.get("check_name", [None])[0]
                runs = [
                    self._gh_check_run(r)
                    for r in reversed(forge.check_runs)
                    if r["head_sha"] == m.group(3) and name in (None, r["name"])
                ]
                return 200, {}, {"total_count": len(runs), "check_runs": runs}
            m = re.fullmatch(r"/repos/([^/]+)/([^/]+)/check-runs", path)
            if m and method == "POST":
                if not user.app:
                    return _gh_error(403, "You must authenticate via a GitHub App.")
                summary = str((body.get("output") or {}).get("summary", ""))
                if len(summary.encode("utf-8")) > 65535:
                    # The limit is on bytes, whatever the docs say (github/docs#35252).
                    return (
                        422,
                        {},
                        {
                            "message": "Validation Failed",
                            "documentation_url": DOCS,
                            "errors": [
                                {
                                    "resource": "CheckRun",
                                    "code": "custom",
                                    "field": "summary",
                                    "message": "summary exceeds a maximum bytesize of 65535",
                                }
                            ],
                        },
                    )
                forge.check_runs.append({**body, "id": forge.new_id()})
                return 201, {}, self._gh_check_run(forge.check_runs[-1])
        return _gh_error(404, "Not Found")

    @staticmethod
    def _gh_check_run(r: dict[str, Any]) -> dict[str, Any]:
        return specs.github_object(
            "check-run",
            id=r["id"],
            name=r["name"],
            head_sha=r["head_sha"],
            status=r["status"],
            conclusion=r.get("conclusion"),
            external_id=r.get("external_id"),
        )

    def _gh_pull(self, pr: Pull, owner: str, repo: str, *, simple: bool) -> dict[str, Any]:
        head_owner = pr.head_repo.split("/")[0]
        head = specs.github_object("pull-request-simple")["head"]
        head.update(
            label=f"{head_owner}:{pr.head_ref}",
            ref=pr.head_ref,
            sha=pr.head_sha,
            repo={
                **head["repo"],
                "full_name": pr.head_repo,
                "name": pr.head_repo.split("/")[1],
                "owner": {**head["repo"]["owner"], "login": head_owner},
            },
        )
        return specs.github_object(
            "pull-request-simple" if simple else "pull-request",
            number=pr.number,
            state=pr.state,
            head=head,
            merge_commit_sha=pr.merge_commit_sha,
            html_url=f"https://github.example/{owner}/{repo}/pull/{pr.number}",
        )

    def _gh_comment(self, c: dict[str, Any], owner: str, repo: str) -> dict[str, Any]:
        base = f"{self.forge.base_url}/api/v3/repos/{owner}/{repo}"
        return specs.github_object(
            "issue-comment",
            id=c["id"],
            body=c["body"],
            user=_gh_user(c["user"]),
            url=f"{base}/issues/comments/{c['id']}",
            issue_url=f"{base}/issues/{c['issue']}",
            html_url=f"https://github.example/{owner}/{repo}/pull/{c['issue']}#issuecomment-{c['id']}",
            author_association="NONE",
        )

    # ---------------------------------------------------------------- GitLab
    def _gitlab(
        self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], raw: bytes
    ) -> Reply:
        forge = self.forge
        user = forge.users.get(headers.get("private-token", ""))
        if user is None:
            return 401, {}, {"message": "401 Unauthorized"}
        body = json.loads(raw) if raw else None
        url = forge.base_url + "/api/v4" + path
        with forge.lock:
            if path == "/user" and method == "GET":
                return self._gl_out(200, {}, self._gl_user(user), specs.GITLAB_USER)
            m = re.fullmatch(r"/projects/(\d+)/merge_requests/(\d+)/notes", path)
            if m and method == "GET":
                forge.violations += specs.gitlab_errors(
                    {k: v[0] for k, v in query.items()}, specs.GITLAB_LIST_QUERY, "list notes query"
                )
                notes = sorted(
                    (n for n in forge.notes.values() if n["iid"] == int(m.group(2))), key=lambda n: n["id"]
                )
                items = [self._gl_note(n, int(m.group(1))) for n in notes]
                status, extra, page = _page(items, query, forge.page_size, url, gitlab=True)
                return self._gl_out(status, extra, page, specs.GITLAB_NOTE_LIST)
            if m and method == "POST":
                forge.violations += specs.gitlab_errors(body, specs.GITLAB_CREATE_NOTE, "create note body")
                if not user.write:
                    return 403, {}, {"message": "403 Forbidden"}
                nid = forge.add_note(int(m.group(2)), user, body["body"])
                return self._gl_out(
                    201, {}, self._gl_note(forge.notes[nid], int(m.group(1))), specs.GITLAB_NOTE
                )
            m = re.fullmatch(r"/projects/(\d+)/merge_requests/(\d+)/notes/(\d+)", path)
            if m:
                n = forge.notes.get(int(m.group(3)))
                if n is None:
                    return 404, {}, {"message": "404 Not found"}
                if n["user"] is not user:
                    return 403, {}, {"message": "403 Forbidden"}
                if method == "PUT":
                    forge.violations += specs.gitlab_errors(
                        body, specs.GITLAB_UPDATE_NOTE, "update note body"
                    )
                    n["body"] = body["body"]
                    return self._gl_out(200, {}, self._gl_note(n, int(m.group(1))), specs.GITLAB_NOTE)
                if method == "DELETE":
                    del forge.notes[n["id"]]
                    return 204, {}, None
            m = re.fullmatch(r"/projects/(\d+)/statuses/([0-9a-f]{40})", path)
            if m and method == "POST":
                forge.violations += specs.gitlab_errors(
                    body, specs.GITLAB_CREATE_STATUS, "create status body"
                )
                if not user.write:
                    return 403, {}, {"message": "403 Forbidden"}
                forge.gl_statuses.append({"id": forge.new_id(), "sha": m.group(2), "user": user, **body})
                return self._gl_out(201, {}, self._gl_status(forge.gl_statuses[-1]), specs.GITLAB_STATUS)
            m = re.fullmatch(r"/projects/(\d+)/repository/commits/([0-9a-f]{40})/statuses", path)
            if m and method == "GET":
                flat = {k: v[0] for k, v in query.items()}
                forge.violations += specs.gitlab_errors(
                    flat, specs.GITLAB_STATUS_QUERY, "list statuses query"
                )
                items = [
                    self._gl_status(st)
                    for st in forge.gl_statuses  # ordered by id, ascending unless sort=desc
                    if st["sha"] == m.group(2) and flat.get("name", st.get("name")) == st.get("name")
                ]
                if flat.get("sort") == "desc":
                    items.reverse()
                status, extra, page = _page(items, query, forge.page_size, url, gitlab=True)
                return self._gl_out(status, extra, page, specs.GITLAB_STATUS_LIST)
        forge.violations.append(f"GitLab: unexpected {method} {path}")
        return 404, {}, {"message": "404 Not found"}

    def _gl_out(self, status: int, headers: dict[str, str], body: Any, schema: dict[str, Any]) -> Reply:
        self.forge.violations += specs.gitlab_errors(body, schema, f"GitLab response {status}")
        return status, headers, body

    def _gl_status(self, st: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": st["id"],
            "sha": st["sha"],
            "ref": st.get("ref"),
            "status": st["state"],
            "name": st.get("name") or st.get("context") or "default",
            "target_url": st.get("target_url"),
            "description": st.get("description"),
            "coverage": None,
            "created_at": "2024-01-01T00:00:00Z",
            "started_at": None,
            "finished_at": "2024-01-01T00:00:00Z",
            "allow_failure": False,
            "author": self._gl_user(st["user"]),
        }

    @staticmethod
    def _gl_user(u: User) -> dict[str, Any]:
        return {
            "id": u.id,
            "username": u.login,
            "name": u.login.title(),
            "state": "active",
            "avatar_url": None,
            "web_url": f"https://gitlab.example/{u.login}",
        }

    def _gl_note(self, n: dict[str, Any], project: int) -> dict[str, Any]:
        return {
            "id": n["id"],
            "body": n["body"],
            "attachment": None,
            "author": self._gl_user(n["user"]),
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
            "system": n["system"],
            "noteable_id": 77,
            "noteable_type": "MergeRequest",
            "noteable_iid": n["iid"],
            "project_id": project,
            "resolvable": False,
            "confidential": False,
            "internal": False,
        }


class ForgeServer:
    """``with ForgeServer() as (forge, base_url):`` a running server on an ephemeral port."""

    def __init__(self) -> None:
        self.forge = Forge()
        handler = type("BoundHandler", (Handler,), {"forge": self.forge})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.forge.base_url = self.url
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> ForgeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
