"""Webhooks: the signed HTTP requests the emulator makes to applications (reference §5).

Every request carries ``X-Twilio-Signature`` computed by :mod:`..api.signature` with the
account's Auth Token, so applications can check it exactly as against Twilio.
"""

from __future__ import annotations

import logging

import httpx

from ..api.records import Account
from ..api.signature import SIGNATURE_HEADER, compute_signature
from .state import Emulator

__all__ = ["auth_token_of", "build_request", "post_callback"]

log = logging.getLogger(__name__)


def auth_token_of(emu: Emulator, account_sid: str) -> str:
    """Return an account's Auth Token (used as the signing key).

    :param emu: the emulator.
    :param account_sid: the account.
    """
    row = emu.store.get(Account, account_sid)
    return (row.record.auth_token or "") if row else ""


def build_request(
    emu: Emulator, account_sid: str, url: str, method: str, params: dict[str, str]
) -> httpx.Request:
    """Return a signed request for an application URL: the parameters in the query (GET) or form.

    :param emu: the emulator (its HTTP client builds the request).
    :param account_sid: the account whose token signs the request.
    :param url: the application URL.
    :param method: ``GET`` or ``POST``.
    :param params: the parameters sent.
    :raises ValueError: for a URL httpx cannot use.
    """
    assert emu.http is not None
    token = auth_token_of(emu, account_sid)
    if method.upper() == "GET":
        target = httpx.URL(url).copy_merge_params(params)
        headers = {SIGNATURE_HEADER: compute_signature(token, str(target))}
        return emu.http.build_request("GET", target, headers=headers)
    headers = {SIGNATURE_HEADER: compute_signature(token, url, params)}
    return emu.http.build_request("POST", url, data=params, headers=headers)


async def post_callback(emu: Emulator, account_sid: str, url: str, params: dict[str, str]) -> None:
    """POST a signed, form-encoded callback once; failures are logged and ignored.

    :param emu: the emulator.
    :param account_sid: the account whose token signs the request.
    :param url: the callback URL.
    :param params: the form fields.
    """
    if emu.http is None:
        return
    try:
        await emu.http.send(build_request(emu, account_sid, url, "POST", params))
    except (httpx.HTTPError, ValueError) as exc:
        log.info("callback %s failed: %s", url.split("?")[0], type(exc).__name__)
