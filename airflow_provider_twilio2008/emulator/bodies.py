"""Read request bodies with a size cap and a deadline, so no client can exhaust memory or hold a request.

Caps (our choice; a 2008 form is tiny: the longest field, a 160-character ``Body`` or a URL,
is far below them):

- :data:`FORM_LIMIT`, 64 KiB: REST forms and the form posted to the built-in TwiML.
- :data:`JSON_LIMIT`, 1 MiB: control-endpoint JSON bodies.

A body over its cap answers **413** without being read: at once when ``Content-Length`` says
so, else as soon as the bytes received pass the cap (chunked bodies). A body that does not
arrive in full within the emulator's ``body_timeout`` (10 s by default, see
:class:`.server.EmulatorConfig`) answers **408**: a slow drip or a ``Content-Length`` larger than
what is sent. Both answers carry ``Connection: close``, since the rest of the body is never read.
Endpoints that read no body are covered by uvicorn's keep-alive timeout (5 s).
"""

from __future__ import annotations

import asyncio
import time

from starlette.requests import ClientDisconnect, Request

__all__ = ["DEFAULT_BODY_TIMEOUT", "FORM_LIMIT", "JSON_LIMIT", "BodyRefused", "read_body"]

#: Largest REST (or built-in TwiML) form body, in bytes.
FORM_LIMIT = 64 * 1024
#: Largest control-endpoint JSON body, in bytes.
JSON_LIMIT = 1024 * 1024
#: Seconds a whole body may take to arrive.
DEFAULT_BODY_TIMEOUT = 10.0
#: Header sent with a refusal: the unread rest of the body makes the connection unusable.
CLOSE = {"Connection": "close"}


class BodyRefused(Exception):
    """A request body refused: too large (413) or too slow (408).

    :param status: 413 or 408.
    :param message: what happened and what is accepted.
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(CLOSE)


def _too_large(limit: int) -> BodyRefused:
    return BodyRefused(413, f"Request body too large: at most {limit} bytes are accepted")


async def read_body(request: Request, limit: int, timeout: float) -> bytes:
    """Return the whole body of ``request``, at most ``limit`` bytes, received within ``timeout`` seconds.

    :param request: the request.
    :param limit: the largest body accepted, in bytes.
    :param timeout: seconds the whole body may take.
    :raises BodyRefused: 413 over the cap, 408 past the deadline or when the client goes away.
    """
    declared = request.headers.get("content-length", "").strip()
    if declared.isascii() and declared.isdigit() and (len(declared) > 12 or int(declared) > limit):
        raise _too_large(limit)
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    stream = request.stream()
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            await stream.aclose()
            raise BodyRefused(408, f"Request body not received in full within {timeout:g} seconds")
        try:
            chunk = await asyncio.wait_for(stream.__anext__(), remaining)
        except StopAsyncIteration:
            break
        except asyncio.TimeoutError:  # TimeoutError itself only from Python 3.11
            raise BodyRefused(408, f"Request body not received in full within {timeout:g} seconds") from None
        except ClientDisconnect:
            raise BodyRefused(408, "The client went away before sending the whole body") from None
        size += len(chunk)
        if size > limit:
            await stream.aclose()
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)
