"""A local stand-in for brands' web servers, over real HTTP on 127.0.0.1, serving
`/<domain>/.well-known/creatordesk-verify.txt` from what a test published. Tests point
DOMAIN_VERIFICATION_URL at it (`<url>/{domain}/.well-known/creatordesk-verify.txt`), so the verifier's
real HTTP client, status handling and body check run; only the TLS and DNS of the real world are skipped.
It can also trickle a body byte by byte (slow-loris) or send it without a Content-Length."""

from __future__ import annotations

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PROOF_PATH = "/.well-known/creatordesk-verify.txt"


class FakeDomains:
    def __init__(self) -> None:
        self.files: dict[str, tuple[int, str]] = {}  # domain -> (status, body)
        self.trickle_s: dict[str, float] = {}  # domain -> pause before each byte of its body
        self.unsized: set[str] = set()  # domains answered without Content-Length (read until close)
        self.requests: list[str] = []
        self.hosts: list[str] = []  # the Host header of each request
        self._server: ThreadingHTTPServer | None = None

    @property
    def url_template(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/{{domain}}{PROOF_PATH}"

    @property
    def named_url_template(self) -> str:
        """Like url_template but addressed by the domain's name, for tests that stand in for DNS: the
        verifier resolves the name (to this server's 127.0.0.1) and sends it as the Host header."""
        assert self._server is not None
        port = self._server.server_address[1]
        return f"http://{{domain}}:{port}/{{domain}}{PROOF_PATH}"

    def publish(
        self, domain: str, body: str, *, status: int = 200, trickle_s: float = 0.0, is_sized: bool = True
    ) -> None:
        """Serve `body` for `domain`; with `trickle_s`, one byte at a time with that pause before each
        (a slow-loris server: every read gets a byte long before any per-read timeout). Unsized bodies
        (and trickled ones) have no Content-Length: the client learns their size only by reading."""
        self.files[domain] = (status, body)
        self.trickle_s[domain] = trickle_s
        if not is_sized or trickle_s:
            self.unsized.add(domain)

    def start(self) -> FakeDomains:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append(self.path)
                fake.hosts.append(self.headers.get("Host", ""))
                domain, _, rest = self.path.lstrip("/").partition("/")
                status, body = fake.files.get(domain, (404, "not found")) if f"/{rest}" == PROOF_PATH else (404, "")
                data = body.encode()
                trickle_s = fake.trickle_s.get(domain, 0.0)
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                if domain not in fake.unsized:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if not trickle_s:
                    with contextlib.suppress(OSError):  # the client may hang up once it has read enough
                        self.wfile.write(data)
                    return
                self.wfile.flush()
                for byte in data:
                    time.sleep(trickle_s)
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except OSError:  # the client hung up
                        return

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
