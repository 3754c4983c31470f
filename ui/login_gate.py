"""The login gate: ASGI middleware that refuses every request without a login cookie but the login page."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["LoginGate"]

logger = logging.getLogger(__name__)

# Why a gate: gradio checks the login on some routes only: its queue heartbeat, cancel, reset,
# media streams, OpenAPI schema and helpers answer anyone, and the login page itself embeds the
# description of every endpoint (names, labels, default values such as a private LLM endpoint).
# With logins, this middleware refuses every request without a valid login cookie except the few
# that draw the login page, and strips that description from the page.

# (method, path) a visitor who has not signed in may use, and why.
OPEN_PATHS = {
    ("GET", "/"),  # the login page (gradio draws its login form there); its API description is removed
    ("HEAD", "/"),
    ("POST", "/login"),  # the login form posts here
    ("POST", "/login/"),
    ("GET", "/theme.css"),  # the login page's colours and fonts
    ("GET", "/favicon.ico"),  # asked for by the browser before anyone signs in
    ("GET", "/manifest.json"),  # browsers fetch it without cookies; app name and gradio's logo only
    ("GET", "/gradio_api/startup-events"),  # launch() calls it without a cookie; answers true/false
}
# gradio's own front-end bundle, scripts and images (no app data), GET or HEAD
OPEN_PREFIXES = ("/assets/", "/static/")
API_INFO_SCRIPT = re.compile(rb"(<script>window\.gradio_api_info = )(.*?)(;</script>)", re.DOTALL)
EMPTY_API_INFO = b'{"named_endpoints": {}, "unnamed_endpoints": {}}'
REFUSED_BODY = b'{"detail": {"error": "Not authenticated", "auth_message": "Sign in at /"}}'


def is_open_to_visitors(method: str, path: str) -> bool:
    """True for the requests that draw the login page (see OPEN_PATHS)."""
    if (method, path) in OPEN_PATHS:
        return True
    return method in ("GET", "HEAD") and path.startswith(OPEN_PREFIXES)


def is_signed_in(scope: Mapping[str, Any]) -> bool:
    """True when the request carries a login cookie that gradio issued and still knows.

    Reads gradio's own record of the sessions (``App.tokens``, cookie ``access-token[-unsecure]-ID``);
    if a future gradio renames them, nobody counts as signed in (the gate fails closed).
    """
    server = scope.get("app")  # the gradio App (Starlette puts itself in the scope)
    tokens = getattr(server, "tokens", None)
    cookie_id = getattr(server, "cookie_id", None)
    if not isinstance(tokens, dict) or not cookie_id:
        return False
    cookies: dict[str, str] = {}
    for key, value in scope.get("headers", []):
        if key.lower() == b"cookie":
            for part in value.decode("latin-1").split(";"):
                name, _, token = part.partition("=")
                cookies.setdefault(name.strip(), token.strip().strip('"'))
    for name in (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}"):
        token = cookies.get(name)
        if token and tokens.get(token) is not None:
            return True
    return False


class LoginGate:
    """ASGI middleware installed by ``serve`` when the app has logins (see the comment above)."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] not in ("http", "websocket") or is_signed_in(scope):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "/")
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :] or "/"
        method = scope.get("method", "")
        if scope["type"] == "http" and is_open_to_visitors(method, path):
            if path == "/" and method == "GET":
                send = self._without_api_info(send)
            await self.app(scope, receive, send)
            return
        logger.info("refused %s %r: not signed in", method or scope["type"], path)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(REFUSED_BODY)).encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": REFUSED_BODY})

    @staticmethod
    def _without_api_info(send: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap ``send`` to replace the login page's endpoint description by an empty one.

        If the description cannot be removed (compressed, or gradio changed its page), the page
        is refused (503) rather than shown with it.
        """
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def wrapped(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            encoded = any(k.lower() == b"content-encoding" for k, _ in headers)
            body, n = API_INFO_SCRIPT.subn(lambda m: m.group(1) + EMPTY_API_INFO + m.group(3), body)
            status = start.get("status", 200)
            if encoded or (n == 0 and b"gradio_api_info" in body):
                logger.error("the login page still describes the API (gradio changed?); refused it")
                status, body = 503, b"The login page could not be shown safely."
                headers = [(b"content-type", b"text/plain; charset=utf-8")]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        return wrapped
