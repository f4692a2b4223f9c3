"""Check HTTP Basic credentials (username = Account SID, password = Auth Token)."""

from __future__ import annotations

import base64
import binascii

from starlette.requests import Request

from .rest import RestError
from .state import Emulator

__all__ = ["authenticate"]

#: Twilio's code for failed authentication (reference 2.2).
AUTHENTICATION_FAILED = 20003


def _credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
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
    pair = _credentials(request)
    account = emu.authenticate(*pair) if pair else None
    if account is None:
        raise RestError(
            401,
            "Authenticate: the Account SID and Auth Token given are missing or wrong",
            AUTHENTICATION_FAILED,
            headers={"WWW-Authenticate": 'Basic realm="Twilio API"'},
        )
    return account.sid
