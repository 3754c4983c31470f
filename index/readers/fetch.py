"""Download one http(s) URL within bounds: size, time per operation and in all, public addresses.

``fetch`` is what ``index.readers`` uses for URLs. Its bounds:

- ``max_bytes``: a larger ``Content-Length`` is refused before the body is read; a body that
  grows past it (or decompresses past it) is cut off and refused.
- ``timeout``: seconds for each network operation (connect, each receive).
- the whole request (connect, headers, body, every redirect) must finish within
  ``TOTAL_TIME_FACTOR * timeout`` seconds: a watchdog thread shuts the sockets down at that
  deadline, so a server that trickles its headers or its body cannot hold a download forever.
- ``allow_private=False`` (for servers that fetch URLs given by their users): every address the
  host name resolves to must be public (not private, loopback, link-local, multicast, reserved,
  ...), checked again for every redirect. The connection goes to the address that was checked,
  so a name cannot resolve to a public address for the check and a private one for the connect.
  Proxies from the environment are not used then (the address checked is the one connected to).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import threading
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = ["TOTAL_TIME_FACTOR", "AddressRefused", "FetchError", "Fetched", "fetch", "non_public_reason"]

TOTAL_TIME_FACTOR = 10
"""A whole request (connect, headers, body, redirects) must finish within this many ``timeout``s."""

_USER_AGENT = "news-assistant/0.1 (article reader)"
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "text/html;q=0.9, application/json;q=0.9, text/plain;q=0.8, */*;q=0.5"
)


class FetchError(Exception):
    """A download that failed or was refused; ``message`` says why (the caller names the URL)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AddressRefused(FetchError):
    """The host (or a redirect's host) resolves to an address that is not public."""


@dataclass(frozen=True)
class Fetched:
    body: bytes
    content_type: str  # "" when the server sent none
    charset: str | None


def non_public_reason(address: str) -> str | None:
    """Why ``address`` (an IPv4 or IPv6 address) is not a public one, or None if it is.

    >>> non_public_reason("127.0.0.1"), non_public_reason("8.8.8.8")
    ('loopback', None)
    """
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    for name, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
    ):
        if flag:
            return name
    if not ip.is_global:
        return "not globally routable"  # e.g. 100.64.0.0/10 (carrier-grade NAT)
    return None


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, in the resolver's order (tests replace this)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _Watchdog:
    """Shuts down every socket it watches once ``seconds`` have passed: a blocked receive in the
    reading thread then returns, and the reader sees ``expired``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # not connected (yet), or already closed


def _connection_class(base: type[http.client.HTTPConnection], guard: _Guard) -> type[Any]:
    class GuardedConnection(base):  # type: ignore[valid-type, misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = guard.connect

    return GuardedConnection


class _Guard:
    """Opens the sockets of one fetch: resolves, checks the addresses, connects to a checked one."""

    def __init__(self, watchdog: _Watchdog, allow_private: bool) -> None:
        self.watchdog = watchdog
        self.allow_private = allow_private

    def connect(
        self, address: tuple[str, int], timeout: Any = None, source_address: Any = None
    ) -> socket.socket:
        host, port = address
        addresses = _resolve(host, port)
        if not addresses:
            raise OSError(f"{host} has no address")
        if not self.allow_private:
            for ip in addresses:
                reason = non_public_reason(ip)
                if reason is not None:
                    shown = host if host == ip else f"{host} ({ip})"
                    raise AddressRefused(
                        f"{shown} is a {reason} address; only public addresses are fetched here"
                    )
        error: OSError | None = None
        for ip in addresses:
            if self.watchdog.expired:
                raise TimeoutError("total time exceeded")
            family = socket.AF_INET6 if ":" in ip else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                if isinstance(timeout, int | float):
                    sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                self.watchdog.watch(sock)
                sock.connect((ip, port))
                return sock
            except OSError as exc:
                sock.close()
                error = exc
        assert error is not None
        raise error


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows http(s) redirects only (urllib would follow ftp:// too) and records them."""

    def __init__(self) -> None:
        self.redirects: list[str] = []

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise FetchError(f"redirected to {newurl}; only http(s) redirects are followed")
        self.redirects.append(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(guard: _Guard, redirects: _RedirectHandler) -> urllib.request.OpenerDirector:
    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req: Any) -> Any:
            return self.do_open(_connection_class(http.client.HTTPConnection, guard), req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: Any) -> Any:
            return self.do_open(
                _connection_class(http.client.HTTPSConnection, guard),
                req,
                context=self._context,  # type: ignore[attr-defined]
            )

    handlers: list[Any] = [HTTPHandler(), HTTPSHandler(), redirects]
    if not guard.allow_private:
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header
    out = inflater.decompress(data, max_bytes + 1)
    if len(out) > max_bytes:
        raise FetchError(f"decompressed content is larger than max_bytes={max_bytes:,}")
    return out


def fetch(url: str, *, timeout: float, max_bytes: int, allow_private: bool = True) -> Fetched:
    """GET ``url`` within the bounds described in the module docstring; ``FetchError`` if not."""
    total = timeout * TOTAL_TIME_FACTOR
    too_slow = f"download took longer than {total:g} s"
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT, "Accept": _ACCEPT})
    redirects = _RedirectHandler()
    with _Watchdog(total) as watchdog:
        opener = _opener(_Guard(watchdog, allow_private), redirects)
        deadline = time.monotonic() + total
        try:
            with opener.open(request, timeout=timeout) as response:
                length = response.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > max_bytes:
                    raise FetchError(f"response is {int(length):,} bytes, more than max_bytes={max_bytes:,}")
                chunks: list[bytes] = []
                received = 0
                # read1: at most one receive per call, so a server that trickles bytes cannot keep
                # a 64 KiB read waiting past the deadline.
                read = getattr(response, "read1", response.read)
                while True:
                    chunk = read(65536)
                    if not chunk:
                        break
                    received += len(chunk)
                    if received > max_bytes:
                        raise FetchError(f"response is larger than max_bytes={max_bytes:,}")
                    if time.monotonic() > deadline:
                        raise FetchError(too_slow)
                    chunks.append(chunk)
                if watchdog.expired:  # the watchdog cut the body short
                    raise FetchError(too_slow)
                has_type = bool(response.headers.get("Content-Type"))
                content_type = response.headers.get_content_type() if has_type else ""
                charset = response.headers.get_content_charset()
                encoding = (response.headers.get("Content-Encoding") or "").lower()
        except AddressRefused as exc:
            if redirects.redirects:
                raise AddressRefused(f"redirected to {redirects.redirects[-1]}: {exc.message}") from None
            raise
        except FetchError:
            raise
        except Exception as exc:
            if watchdog.expired:
                raise FetchError(too_slow) from exc
            raise _explain(exc, timeout) from exc
    body = b"".join(chunks)
    path = urlsplit(url).path.lower()
    if (
        encoding in {"gzip", "x-gzip"}
        or content_type in {"application/gzip", "application/x-gzip"}
        or path.endswith(".gz")
    ):
        try:
            body = _gunzip(body, max_bytes)
        except zlib.error as exc:
            raise FetchError(f"could not decompress the response: {exc}") from exc
    return Fetched(body, content_type, charset)


def _explain(exc: Exception, timeout: float) -> FetchError:
    if isinstance(exc, urllib.error.HTTPError):
        return FetchError(f"HTTP error {exc.code} {exc.reason}")
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            return FetchError(f"timed out after {timeout:g} s")
        if isinstance(reason, ConnectionRefusedError):
            return FetchError("could not connect (connection refused)")
        return FetchError(f"could not connect: {reason}")
    if isinstance(exc, TimeoutError):
        return FetchError(f"timed out after {timeout:g} s")
    if isinstance(exc, ValueError):
        return FetchError(f"invalid URL: {exc}")
    if isinstance(exc, OSError):  # includes http.client errors such as RemoteDisconnected
        return FetchError(f"could not read the response: {exc}")
    # http.client.HTTPException is not an OSError
    return FetchError(f"bad HTTP response: {exc.__class__.__name__}: {exc}")
