"""Local servers that speak the artifacts APIs: GitHub Actions (under /api/v3) and GitLab job artifacts
(/api/v4), plus a second server on another port standing for blob storage, the target of the 302.

GitHub requests and documented responses are validated against GitHub's OpenAPI description
(tests/publish/forge_specs.py: "List artifacts for a repository", "Get a workflow run", "Download an
artifact", "Get a repository"). GitLab's shape is transcribed from docs.gitlab.com/api/job_artifacts
("Download the artifacts archive": ``GET /projects/:id/jobs/artifacts/:ref_name/download?job=NAME``,
``JOB-TOKEN`` header in CI jobs, 404 when no successful job of that name exists on the ref).
The blob server records the headers it received so a test can check the token never reached it.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.publish import forge_specs as specs

REPO_ID = 42
FORK_ID = 666


@dataclass
class Run:
    id: int
    head_sha: str
    head_branch: str = "main"
    event: str = "push"
    conclusion: str | None = "success"
    head_repository_id: int = REPO_ID


@dataclass
class Artifact:
    id: int
    name: str
    run: Run
    blob: bytes
    expired: bool = False


@dataclass
class State:
    token: str = ""
    job_token: str = ""
    artifacts: list[Artifact] = field(default_factory=list)  # newest first, as GitHub lists them
    gitlab_jobs: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (ref, job) -> zip
    gitlab_redirect: bool = False
    default_branch: str = "main"
    log: list[tuple[str, str, int]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    blob_headers: list[dict[str, str]] = field(default_factory=list)
    blobs: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    api_url: str = ""
    blob_url: str = ""


def _run_json(run: Run, repo: str) -> dict[str, Any]:
    full = specs.github_object("minimal-repository", id=REPO_ID, full_name=repo)
    head = dict(full, id=run.head_repository_id)
    return specs.github_object(
        "workflow-run", id=run.id, head_sha=run.head_sha, head_branch=run.head_branch, event=run.event,
        conclusion=run.conclusion, status="completed", repository=full, head_repository=head,
        html_url=f"https://github.com/{repo}/actions/runs/{run.id}",
    )


class _Api(BaseHTTPRequestHandler):
    state: State
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        headers = {k.lower(): v for k, v in self.headers.items()}
        if parts.path.startswith("/api/v3/"):
            path = parts.path[len("/api/v3"):]
            self.state.violations += specs.github_request_errors("GET", path, query, headers, None)
            status, extra, body = self._github(path, query, headers)
            data = b"" if body is None else json.dumps(body).encode()
            out = {"Content-Type": "application/json; charset=utf-8", **extra} if body is not None else extra
            if str(status) in specs.documented_statuses("GET", path):
                self.state.violations += specs.github_response_errors(
                    "GET", path, query, headers, None, status, out, data)
        elif parts.path.startswith("/api/v4/"):
            status, out, data = self._gitlab(parts.path[len("/api/v4"):], query, headers)
        else:
            status, out, data = 404, {}, b""
        with self.state.lock:
            self.state.log.append(("GET", self.path, status))
        self.send_response(status)
        for k, v in out.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _github(self, path: str, query: dict[str, list[str]], headers: dict[str, str]
                ) -> tuple[int, dict[str, str], Any]:
        st = self.state
        if headers.get("authorization") != f"Bearer {st.token}":
            return 401, {}, {"message": "Bad credentials", "documentation_url": "https://docs.github.com"}
        m = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", path)
        if not m:
            return 404, {}, {"message": "Not Found"}
        repo, rest = f"{m.group(1)}/{m.group(2)}", m.group(3) or ""
        if rest == "":
            return 200, {}, specs.github_object("full-repository", id=REPO_ID, full_name=repo,
                                                default_branch=st.default_branch)
        if rest == "/actions/artifacts":
            name = query.get("name", [None])[0]
            per_page = int(query.get("per_page", ["30"])[0])
            page = int(query.get("page", ["1"])[0])
            items = [a for a in st.artifacts if name is None or a.name == name]
            chunk = items[(page - 1) * per_page: page * per_page]
            extra = {}
            if page * per_page < len(items):
                extra["Link"] = (f'<{st.api_url}/api/v3/repos/{repo}/actions/artifacts?name={name}'
                                 f'&per_page={per_page}&page={page + 1}>; rel="next"')
            arts = [specs.github_object(
                "artifact", id=a.id, name=a.name, size_in_bytes=len(a.blob), expired=a.expired,
                archive_download_url=f"https://api.github.com/repos/{repo}/actions/artifacts/{a.id}/zip",
                workflow_run={"id": a.run.id, "repository_id": REPO_ID,
                              "head_repository_id": a.run.head_repository_id,
                              "head_branch": a.run.head_branch, "head_sha": a.run.head_sha},
            ) for a in chunk]
            return 200, extra, {"total_count": len(items), "artifacts": arts}
        m = re.fullmatch(r"/actions/runs/(\d+)", rest)
        if m:
            runs = {a.run.id: a.run for a in st.artifacts}
            run = runs.get(int(m.group(1)))
            if run is None:
                return 404, {}, {"message": "Not Found"}
            return 200, {}, _run_json(run, repo)
        m = re.fullmatch(r"/actions/artifacts/(\d+)/(zip)", rest)
        if m:
            art = next((a for a in st.artifacts if a.id == int(m.group(1))), None)
            if art is None:
                return 404, {}, {"message": "Not Found"}
            if art.expired:
                return 410, {}, {"message": "Artifact has expired"}
            key = f"art{art.id}"
            st.blobs[key] = art.blob
            # The signed URL of blob storage: another host (here: another port).
            return 302, {"Location": f"{st.blob_url}/{key}?sig=signed"}, None
        return 404, {}, {"message": "Not Found"}

    def _gitlab(self, path: str, query: dict[str, list[str]], headers: dict[str, str]
                ) -> tuple[int, dict[str, str], bytes]:
        st = self.state
        js = {"Content-Type": "application/json"}
        if headers.get("job-token") != st.job_token:
            return 401, js, b'{"message":"401 Unauthorized"}'
        m = re.fullmatch(r"/projects/([^/]+)/jobs/artifacts/([^/]+)/download", path)
        job = query.get("job", [""])[0]
        if not m or not job:
            return 400, js, b'{"error":"job is missing"}'
        from urllib.parse import unquote

        blob = st.gitlab_jobs.get((unquote(m.group(2)), job))
        if blob is None:
            return 404, js, b'{"message":"404 Not found"}'
        if st.gitlab_redirect:
            key = f"gl-{job}"
            st.blobs[key] = blob
            return 302, {"Location": f"{st.blob_url}/{key}"}, b""
        return 200, {"Content-Type": "application/zip",
                     "Content-Disposition": 'attachment; filename="artifacts.zip"'}, blob


class _Blob(BaseHTTPRequestHandler):
    state: State
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        with self.state.lock:
            self.state.blob_headers.append({k.lower(): v for k, v in self.headers.items()})
        blob = self.state.blobs.get(urlsplit(self.path).path.lstrip("/"))
        status, data = (200, blob) if blob is not None else (404, b"")
        self.send_response(status)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class ArtifactServers:
    """``with ArtifactServers() as s:`` the API at ``s.state.api_url``, blob storage elsewhere."""

    def __init__(self) -> None:
        self.state = State()
        self._servers = []
        for cls in (_Api, _Blob):
            handler = type(f"Bound{cls.__name__}", (cls,), {"state": self.state})
            httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            httpd.daemon_threads = True
            self._servers.append(httpd)
        self.state.api_url = f"http://127.0.0.1:{self._servers[0].server_address[1]}"
        self.state.blob_url = f"http://127.0.0.1:{self._servers[1].server_address[1]}"

    def __enter__(self) -> ArtifactServers:
        for httpd in self._servers:
            threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        for httpd in self._servers:
            httpd.shutdown()
            httpd.server_close()
