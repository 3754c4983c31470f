"""Who may sign in: the logins from a file or the environment, refused off loopback without one."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["AUTH_ENV", "AuthError", "is_loopback", "resolve_auth"]

AUTH_ENV = "NEWS_ASSISTANT_AUTH"


class AuthError(ValueError):
    """The login configuration is missing or malformed; ``str()`` says what was expected."""


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_login(line: str, where: str) -> tuple[str, str]:
    """(user, password) from a ``user:password`` line; AuthError naming ``where`` otherwise."""
    user, sep, password = line.partition(":")
    if not sep or not user.strip() or not password:
        raise AuthError(f"{where}: expected 'user:password', got {line[:40]!r}")
    return user.strip(), password


def resolve_auth(
    host: str, auth_file: str | Path | None = None, env: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """The logins for the app: from ``auth_file`` (``user:password`` lines) or ``$NEWS_ASSISTANT_AUTH``.

    Returns [] on a loopback address without logins; raises AuthError when the app would listen on
    another address without one, or when a login is malformed.
    """
    env = os.environ if env is None else env
    logins: list[tuple[str, str]] = []
    if auth_file:
        path = Path(auth_file)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise AuthError(f"cannot read the auth file {path}: {exc.strerror or exc}") from None
        for number, raw in enumerate(lines, start=1):
            line = raw.strip()
            if line and not line.startswith("#"):
                logins.append(parse_login(line, f"{path}:{number}"))
        if not logins:
            raise AuthError(f"{path}: no 'user:password' line found")
    elif env.get(AUTH_ENV):
        logins.append(parse_login(env[AUTH_ENV].strip(), f"${AUTH_ENV}"))
    if not logins and not is_loopback(host):
        raise AuthError(
            f"refusing to listen on {host} without a login: anyone on the network could read and change "
            f"the index. Pass --auth-file FILE (lines of 'user:password') or set {AUTH_ENV}=user:password, "
            "or listen on 127.0.0.1."
        )
    return logins
