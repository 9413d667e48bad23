"""Fetching a verification proof from a URL a workspace chose, without letting that URL reach inside
our network or hold a worker for long (SSRF and slow-loris hardening for `analytics.tracking.domains`).

* The host name is resolved once; every address it resolves to must be public (`is_public_address`)
  or inside DOMAIN_VERIFICATION_ALLOWED_NETWORKS, else nothing is fetched.
* The connection goes to exactly that resolved address (`_PinnedBackend`), so a DNS answer that
  changes between the check and the connect (rebinding) cannot swap it. The URL keeps the host name,
  so the Host header, TLS SNI and the certificate check all use the original name.
* One deadline covers resolution, connect, TLS and every read and write: each socket operation gets
  only the time left (`_DeadlineStream`), so a server trickling a byte at a time is cut at the deadline.
* At most `max_bytes` of the body are kept (raw bytes; no Accept-Encoding is sent, so nothing is
  decompressed), and redirects are not followed (httpcore never follows them).
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# NAT64 (RFC 6052) and 6to4 (RFC 3056) carry an IPv4 address inside an IPv6 one: check the IPv4 too.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class ProofFetchError(Exception):
    """Why the proof could not be fetched, worded for the workspace's user."""


@dataclass(frozen=True)
class ProofResponse:
    status: int
    body: bytes  # at most max_bytes
    is_truncated: bool  # the server had more than max_bytes to send


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: IPAddress) -> bool:
    """False for private, loopback, link-local (169.254.169.254, the cloud metadata service),
    multicast, reserved, unspecified and shared (100.64/10) addresses, IPv4 or IPv6, including an IPv4
    address carried inside an IPv6 one (::ffff:10.0.0.1)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return is_public_address(ip.ipv4_mapped)  # a socket connects to the IPv4 address itself
    embedded = _embedded_ipv4(ip)
    if embedded is not None and not is_public_address(embedded):
        return False
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def _is_allowed(ip: IPAddress, allowed_networks: Iterable[str]) -> bool:
    if is_public_address(ip):
        return True
    candidates = [ip, *([e] if (e := _embedded_ipv4(ip)) is not None else [])]
    networks = [ipaddress.ip_network(n.strip(), strict=False) for n in allowed_networks if n.strip()]
    return any(c.version == n.version and c in n for c in candidates for n in networks)


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the system resolver; tests replace this function)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _resolve_within(resolve: Callable[[str, int], list[str]], host: str, port: int, timeout_s: float) -> list[str]:
    """getaddrinfo has no timeout of its own: run it in a daemon thread and stop waiting at the deadline
    (the thread finishes on its own when the resolver gives up)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["addresses"] = resolve(host, port)
        except Exception as exc:  # handed to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="proof-resolve", daemon=True)
    thread.start()
    thread.join(max(timeout_s, 0.0))
    if thread.is_alive():
        raise ProofFetchError(f"{host} could not be resolved within the time allowed.")
    if "error" in outcome:
        raise ProofFetchError(f"{host} could not be resolved ({type(outcome['error']).__name__}).")
    return list(outcome["addresses"])


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.ends_at = time.monotonic() + seconds

    def left(self, timeout: float | None, error: type[Exception]) -> float:
        """The time an operation may take: its own timeout, cut to what is left of the deadline."""
        left = self.ends_at - time.monotonic()
        if left <= 0:
            raise error("the total deadline passed")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, timeout=self._deadline.left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout=self._deadline.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(
            ssl_context, server_hostname=server_hostname, timeout=self._deadline.left(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects to the one address that was checked, whatever DNS says by now, under the deadline."""

    def __init__(self, *, host: str, address: str, deadline: _Deadline) -> None:
        self._host = host
        self._address = address
        self._deadline = deadline
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        if host.strip("[]") != self._host:  # only the checked host; redirects are never followed anyway
            raise httpcore.ConnectError(f"refusing to connect to {host}")
        stream = self._inner.connect_tcp(
            self._address,
            port,
            timeout=self._deadline.left(timeout, httpcore.ConnectTimeout),
            local_address=local_address,
            socket_options=socket_options,
        )
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used for proofs")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def fetch_proof_url(
    url: str,
    *,
    deadline_s: float,
    max_bytes: int,
    allowed_networks: Iterable[str] = (),
    resolve: Callable[[str, int], list[str]] | None = None,
) -> ProofResponse:
    """GET `url` under the rules above. Raises ProofFetchError (nothing fetched) when the address is
    not allowed, and for every network failure or timeout."""
    deadline = _Deadline(deadline_s)
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise ProofFetchError(f"{url} is not an http(s) address.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve_within(resolve or resolve_host, host, port, deadline.ends_at - time.monotonic())
    if not addresses:
        raise ProofFetchError(f"{host} does not resolve to any address.")
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
        if not _is_allowed(ip, allowed_networks):
            raise ProofFetchError(
                f"{host} resolves to {ip}, which is not a public internet address (private, loopback, "
                "link-local or reserved), so CreatorDesk will not fetch from it."
            )
    pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),  # the same trust store as every other httpx client here
        max_connections=1,
        network_backend=_PinnedBackend(host=host, address=addresses[0], deadline=deadline),
    )
    # Each operation's own timeout is the whole deadline; _DeadlineStream cuts it to what is left.
    timeouts = {"connect": deadline_s, "read": deadline_s, "write": deadline_s, "pool": deadline_s}
    headers: list[tuple[bytes | str, bytes | str]] = [
        ("User-Agent", "CreatorDesk domain verification"),
        ("Accept", "text/plain"),
    ]
    try:
        with pool, pool.stream("GET", url, headers=headers, extensions={"timeout": timeouts}) as response:
            declared = _content_length(response.headers)
            if declared is not None and declared > max_bytes:
                return ProofResponse(status=response.status, body=b"", is_truncated=True)
            body = bytearray()
            for chunk in response.iter_stream():
                body += chunk
                if len(body) > max_bytes:
                    return ProofResponse(status=response.status, body=bytes(body[:max_bytes]), is_truncated=True)
            return ProofResponse(status=response.status, body=bytes(body), is_truncated=False)
    except httpcore.TimeoutException as exc:
        raise ProofFetchError(f"{host} did not send the proof within {deadline_s:g} s.") from exc
    except (httpcore.NetworkError, httpcore.ProtocolError, OSError) as exc:  # ssl.SSLError is an OSError
        raise ProofFetchError(f"Could not fetch {url}: {type(exc).__name__}.") from exc


def _content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
