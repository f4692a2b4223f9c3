"""Check HTTP Basic credentials (username = Account SID, password = Auth Token)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request

from .model.state import Emulator
from .rest.endpoint import RestError

__all__ = ["account_of_scope", "authenticate"]

#: Twilio's code for failed authentication (reference 2.2).
AUTHENTICATION_FAILED = 20003


def _credentials(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def authenticate(emu: Emulator, request: Request) -> str:
    """Return the SID of the account whose Basic credentials came with ``request``; else raise 401.

    :param emu: the emulator.
    :param request: the request.
    """
    pair = _credentials(request.headers.get("authorization", ""))
    account = emu.authenticate(*pair) if pair else None
    if account is None:
        raise RestError(
            401,
            "Authenticate: the Account SID and Auth Token given are missing or wrong",
            AUTHENTICATION_FAILED,
            headers={"WWW-Authenticate": 'Basic realm="Twilio API"'},
        )
    return account.sid


def account_of_scope(emu: Emulator, scope: dict[str, Any]) -> str | None:
    """Return the SID of the account whose valid Basic credentials an ASGI request carries, else ``None``.

    :param emu: the emulator.
    :param scope: the request's ASGI scope.
    """
    pair = _credentials(Headers(scope=scope).get("authorization", ""))
    account = emu.authenticate(*pair) if pair else None
    return account.sid if account is not None else None
