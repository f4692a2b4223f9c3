"""Webhooks: the signed HTTP requests the emulator makes to applications (reference §5).

Every request carries ``X-Twilio-Signature`` computed by :mod:`..api.signature` with the
account's Auth Token, so applications can check it exactly as against Twilio.

Every request is sent by :func:`send`, which bounds what an application can cost the
emulator (the reference is silent; these are our choices):

- the answer's body is read to at most :data:`ANSWER_LIMIT` bytes plus one (the 64 KiB TwiML
  cap: one byte more is enough to know the document is too large), never in full, so a huge
  answer costs 64 KiB of memory and a Notification stores at most that much of it; redirects
  are followed (as Twilio does) without reading their bodies at all;
- the whole exchange (connecting, the headers, the body) has one deadline, the emulator's
  ``webhook_timeout`` (:data:`DEFAULT_WEBHOOK_TIMEOUT`, 15 s, real time): a server that hangs
  or drips a byte at a time fails the request as a timeout (11200 for a call's TwiML);
- at most :data:`~.model.state.WEBHOOK_SLOTS` requests are in flight at once; the others wait
  for a slot, and their deadline starts when they get one (Twilio does not fail a fetch
  because other calls are fetching: the wait is the emulator's, not the application's).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import httpx

from ..api.records import Account
from ..api.signature import SIGNATURE_HEADER, compute_signature
from .model.state import DEFAULT_WEBHOOK_TIMEOUT, Emulator
from .telephony.twiml import decoded_text
from .telephony.twiml.parse import MAX_TWIML_BYTES

__all__ = [
    "ANSWER_LIMIT",
    "DEFAULT_WEBHOOK_TIMEOUT",
    "Answer",
    "auth_token_of",
    "build_request",
    "post_callback",
    "send",
]

ANSWER_LIMIT = MAX_TWIML_BYTES
"""Bytes of an answer that are kept; one more is read to tell that the answer is longer."""


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


@dataclass(frozen=True)
class Answer:
    """An application's answer: its status and headers, and its body read up to a limit.

    :param status_code: the HTTP status.
    :param headers: the response headers.
    :param content: the body, at most the limit plus one byte (longer means it was cut).
    :param limit: the limit it was read to.
    """

    status_code: int
    headers: httpx.Headers
    content: bytes
    limit: int = ANSWER_LIMIT

    @property
    def content_type(self) -> str:
        """Return the ``Content-Type`` header (``""`` when missing)."""
        return self.headers.get("content-type", "")

    @property
    def cut(self) -> bool:
        """Return whether the body was longer than the limit (and only its start was read)."""
        return len(self.content) > self.limit

    @property
    def text(self) -> str:
        """Return the body cut to the limit, decoded by its ``charset`` (invalid bytes replaced)."""
        return decoded_text(self.content[: self.limit], self.content_type)


async def send(
    emu: Emulator, request: httpx.Request, *, limit: int = ANSWER_LIMIT
) -> tuple[Answer, httpx.Response]:
    """Send a webhook request; read at most ``limit`` + 1 bytes of the answer, within the deadline.

    :param emu: the emulator (its HTTP client and ``webhook_timeout``).
    :param request: the request, from :func:`build_request`.
    :param limit: the bytes of body to keep (0: the body is not read).
    :returns: the answer, and the closed ``httpx.Response`` (for its cookies).
    :raises httpx.TimeoutException: when the whole exchange took longer than the deadline.
    :raises httpx.HTTPError: when the application cannot be reached.
    """
    assert emu.http is not None
    client = emu.http

    async def exchange() -> tuple[Answer, httpx.Response]:
        response = await client.send(request, stream=True, follow_redirects=False)
        redirects = 0
        while response.next_request is not None:  # follow redirects without reading their bodies
            await response.aclose()
            redirects += 1
            if redirects > client.max_redirects:
                raise httpx.TooManyRedirects(f"more than {client.max_redirects} redirects", request=request)
            response = await client.send(response.next_request, stream=True, follow_redirects=False)
        try:
            body = bytearray()
            if limit > 0:
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > limit:
                        del body[limit + 1 :]
                        break
        finally:
            await response.aclose()
        return Answer(response.status_code, response.headers, bytes(body), limit), response

    deadline = emu.webhook_timeout
    try:
        async with emu.webhook_slots:
            return await asyncio.wait_for(exchange(), deadline)
    except asyncio.TimeoutError:
        raise httpx.TimeoutException(f"no complete answer within {deadline:g} s", request=request) from None


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
        await send(emu, build_request(emu, account_sid, url, "POST", params), limit=0)
    except (httpx.HTTPError, ValueError) as exc:
        log.info("callback %s failed: %s", url.split("?")[0], type(exc).__name__)
