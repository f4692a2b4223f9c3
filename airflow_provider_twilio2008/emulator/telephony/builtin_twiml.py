"""Ready-made TwiML documents served by the emulator itself, so demos and tests need no other server.

Every document answers GET and POST, reads its options from the query string and is served
as ``application/xml``:

========================== ===================================================================
``/twiml/say``             ``<Say>`` ``text`` (default "Hello from the Twilio 2008 emulator.")
``/twiml/hangup``          ``<Hangup/>``
``/twiml/pause``           ``<Pause length=...>`` (``length``, default 60): a call that stays up
``/twiml/say-and-record``  ``<Say>`` ``text``, then ``<Record transcribe="true">`` (``transcribe``
                           true/false, ``callback`` = ``transcribeCallback``, ``maxLength``);
                           the action goes to ``/twiml/hangup``
``/twiml/gather``          ``<Gather numDigits=...>`` around a ``<Say>``; the digits go to
                           ``action`` (default ``/twiml/gathered``), which says them and hangs up
``/twiml/dial``            ``<Dial>`` ``number`` (``callerId``, ``timeout``, ``action`` optional)
``/twiml/conference``      ``<Dial><Conference>`` ``name`` (``muted``, ``startConferenceOnEnter``,
                           ``endConferenceOnExit``)
``/twiml/sms``             ``<Sms>`` ``body`` (``to``, ``from``, ``statusCallback`` optional)
========================== ===================================================================
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from lxml import etree
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...api.xml import xml_safe
from ..bodies import FORM_LIMIT, BodyRefused, read_body

__all__ = ["ROUTES"]

DEFAULT_TEXT = "Hello from the Twilio 2008 emulator."


def _document(*verbs: Any) -> Response:
    root = etree.Element("Response")
    for verb in verbs:
        root.append(verb)
    return Response(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8"), media_type="application/xml"
    )


def _verb(tag: str, text: str | None = None, **attributes: str | None) -> Any:
    node = etree.Element(tag, {name: value for name, value in attributes.items() if value is not None})
    if text is not None:
        node.text = text
    return node


def _q(request: Request, name: str, default: str | None = None) -> str | None:
    """Return a query parameter, XML-safe (a NUL in ``?text=`` must not make the document unwritable)."""
    value = request.query_params.get(name, default)
    return None if value is None else xml_safe(value)


async def say(request: Request) -> Response:
    """Say ``text``."""
    return _document(_verb("Say", _q(request, "text", DEFAULT_TEXT)))


async def hangup(request: Request) -> Response:
    """Hang up."""
    return _document(_verb("Hangup"))


async def pause(request: Request) -> Response:
    """Keep the call up for ``length`` seconds (redirect it meanwhile)."""
    return _document(_verb("Pause", length=_q(request, "length", "60")))


async def say_and_record(request: Request) -> Response:
    """Say a prompt and record (and by default transcribe) the answer."""
    record = _verb(
        "Record",
        action="/twiml/hangup",
        transcribe=_q(request, "transcribe", "true"),
        transcribeCallback=_q(request, "callback"),
        maxLength=_q(request, "maxLength"),
    )
    text = _q(request, "text", "Please leave a message after the beep.")
    return _document(_verb("Say", text), record)


async def gather(request: Request) -> Response:
    """Ask for keys; the digits go to ``action``."""
    node = _verb(
        "Gather", action=_q(request, "action", "/twiml/gathered"), numDigits=_q(request, "numDigits")
    )
    node.append(_verb("Say", _q(request, "text", "Please press a key.")))
    return _document(node, _verb("Say", "We did not receive any input. Goodbye."))


async def gathered(request: Request) -> Response:
    """Say the digits received and hang up."""
    emu = request.app.state.emu
    try:
        raw = await read_body(request, FORM_LIMIT, emu.body_timeout)
    except BodyRefused as refused:
        return Response(refused.message, status_code=refused.status, headers=refused.headers)
    form = dict(parse_qsl(raw.decode("utf-8", "replace")))
    digits = xml_safe(form.get("Digits") or request.query_params.get("Digits") or "")
    return _document(_verb("Say", f"You pressed {' '.join(digits) or 'nothing'}."), _verb("Hangup"))


async def dial(request: Request) -> Response:
    """Dial ``number``."""
    node = _verb(
        "Dial",
        _q(request, "number", ""),
        callerId=_q(request, "callerId"),
        timeout=_q(request, "timeout"),
        action=_q(request, "action"),
    )
    return _document(node)


async def conference(request: Request) -> Response:
    """Join the conference room ``name``."""
    room = _verb(
        "Conference",
        _q(request, "name", "emulator-room"),
        muted=_q(request, "muted"),
        startConferenceOnEnter=_q(request, "startConferenceOnEnter"),
        endConferenceOnExit=_q(request, "endConferenceOnExit"),
    )
    node = _verb("Dial")
    node.append(room)
    return _document(node)


async def sms(request: Request) -> Response:
    """Send an SMS during the call."""
    node = _verb(
        "Sms",
        _q(request, "body", DEFAULT_TEXT),
        to=_q(request, "to"),
        statusCallback=_q(request, "statusCallback"),
        **{"from": _q(request, "from")},
    )
    return _document(node)


_METHODS = ["GET", "POST"]
ROUTES = [
    Route("/twiml/say", say, methods=_METHODS),
    Route("/twiml/hangup", hangup, methods=_METHODS),
    Route("/twiml/pause", pause, methods=_METHODS),
    Route("/twiml/say-and-record", say_and_record, methods=_METHODS),
    Route("/twiml/gather", gather, methods=_METHODS),
    Route("/twiml/gathered", gathered, methods=_METHODS),
    Route("/twiml/dial", dial, methods=_METHODS),
    Route("/twiml/conference", conference, methods=_METHODS),
    Route("/twiml/sms", sms, methods=_METHODS),
]
