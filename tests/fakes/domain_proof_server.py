"""A local stand-in for brands' web servers, over real HTTP on 127.0.0.1, serving
`/<domain>/.well-known/creatordesk-verify.txt` from what a test published. Tests point
DOMAIN_VERIFICATION_URL at it (`<url>/{domain}/.well-known/creatordesk-verify.txt`), so the verifier's
real httpx client, status handling and body check run; only the TLS and DNS of the real world are skipped."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PROOF_PATH = "/.well-known/creatordesk-verify.txt"


class FakeDomains:
    def __init__(self) -> None:
        self.files: dict[str, tuple[int, str]] = {}  # domain -> (status, body)
        self.requests: list[str] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url_template(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/{{domain}}{PROOF_PATH}"

    def publish(self, domain: str, body: str, *, status: int = 200) -> None:
        self.files[domain] = (status, body)

    def start(self) -> FakeDomains:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append(self.path)
                domain, _, rest = self.path.lstrip("/").partition("/")
                status, body = fake.files.get(domain, (404, "not found")) if f"/{rest}" == PROOF_PATH else (404, "")
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:  # quiet test output
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
