"""Incoming SMS: a text from the outside world to one of an account's numbers, and the app's answer.

:func:`receive_sms` stores the message; when the number has an ``SmsUrl`` it starts, in the
background, the exchange with the application (reference 3.5, 5.3, 6.2): the ``SmsUrl`` is
requested with ``SmsMethod`` and the parameters ``SmsSid``, ``SmsMessageSid``, ``AccountSid``,
``From``, ``To`` and ``Body``, signed with ``X-Twilio-Signature``; a ``text/plain`` answer is
texted back to the sender, an XML answer is run as SMS TwiML (``<Sms>``, ``<Redirect>``).
Scripted callees (``CalleeScript.sms_reply``) text back through :func:`receive_sms` too.

Choices where the reference says *inferred* or is silent:

- An incoming message is stored with ``Flags`` 1 (inbound), ``Status`` ``sent`` and ``DateSent``
  equal to ``DateCreated``. The reference does not say which status 2008 gave received messages;
  ``sent`` keeps the ``DateSent`` list filter and every 2008 client's status enum working.
- ``From`` may be a phone number or a 5-6 digit short code. ``To`` must be one of the account's
  IncomingPhoneNumbers (else 404); a toll-free one is refused with 400, toll-free numbers having
  been voice-only in 2008.
- The request carries ``SmsSid`` and ``SmsMessageSid`` (the same SID: both revisions of the
  page), ``AccountSid``, ``From``, ``To`` and ``Body``. The geo fields (``FromCity``...) are not
  sent: the emulator has no geo data, and the reference sends them only "when available".
- The exchange runs as a background task (``emu.spawn``): the text is accepted at once, like a
  phone network would, and the application may be slow. A stop of the emulator during the
  exchange ends it: the message stays stored, its ``SmsUrl`` request is made at most once.
- Answers: ``text/xml``, ``application/xml``, ``text/html`` and any ``+xml`` type are SMS
  TwiML; ``text/plain`` is the reply itself (decoded with the ``charset`` of ``Content-Type``,
  else UTF-8, leading and trailing white space removed); an empty or all-blank text sends
  nothing. A text longer than 160 characters sends nothing and writes a Notification with code
  21605 (the code of a too long ``Body``); a text holding a character XML cannot carry (NUL,
  another control character but tab/newline/carriage return, U+FFFE, U+FFFF) sends nothing and
  writes one with 12100, as an unparsable document does (see :mod:`..xml_text`). Any other type
  fails with 12300, an unparsable or invalid document with 12100, a non-2xx status or an
  unreachable URL with 11200 (redirects are followed, as a browser would).
- Every failure writes a Notification with ``Log`` 0 (error, as call fetch failures do), an
  empty ``CallSid``, ``RequestURL``, ``RequestMethod``, ``RequestVariables`` (every parameter
  sent, form-encoded), ``ResponseHeaders`` (``Content-Type: ...``) and ``ResponseBody``.
- When the first document (from ``SmsUrl``) fails in any of these ways, including a text reply
  over 160 characters, ``SmsFallbackUrl`` is requested with ``SmsFallbackMethod`` (default POST)
  and the same parameters, if the number has one. Failures of later documents (``<Redirect>``,
  ``action``) are only logged.
- SMS TwiML ``<Sms>``: ``to`` defaults to the sender, ``from`` to the number texted; the sender
  must be an SMS-capable number of the account, the recipient may not be a short code (as for
  voice ``<Sms>``), the text must be 1-160 characters: otherwise ``SmsStatus`` is ``invalid``
  and nothing is sent (no Notification, like voice). Replies are stored with ``Flags`` 2.
  ``statusCallback`` is POSTed with the final status by the normal delivery.
- ``<Sms action>`` moves control to the action's document, as in voice: the verbs after it are
  not reached. The action request carries the standard parameters with ``SmsSid`` and
  ``SmsMessageSid`` replaced by the new message's SID (empty when ``invalid``) and
  ``SmsStatus`` (``sending`` or ``invalid``); its answer is handled like any other (TwiML, or
  text sent as a reply). ``<Redirect>`` requests its URL with the standard parameters.
  Relative URLs are resolved against the document's URL.
- At most :data:`~..telephony.twiml.MAX_DOCUMENTS` documents per incoming message (the fallback's
  included); the next request fails with 11215 instead, as for calls.
- Cookies are kept per account and ``(From, To)`` pair of the incoming message, in memory only
  (lost when the emulator stops or the account is reset), and dropped after 4 simulated hours
  without a request for that pair (:data:`COOKIE_IDLE_SECONDS`). Cookies set on a redirect hop are not kept.
- Scripted replies: when a message the account sends (REST, voice or SMS TwiML) to a number
  with a ``sms_reply`` script reaches ``sent``, the reply's text, delay and SID are stored with
  that message; ``sms_reply_after`` simulated seconds later the reply is received from that
  number by the account's sending number. After a restart the wait starts again from zero; the
  reply is stored exactly once (its SID is fixed in advance) and its ``SmsUrl`` request is made
  at most once. An application answering every text and a scripted callee keep texting each
  other, as two people would.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin

import httpx

from ...api import paths
from ...api.records import (
    IncomingPhoneNumber,
    Notification,
    NotificationLog,
    SmsFlags,
    SmsMessage,
    SmsStatus,
)
from ...api.validate import CODES, SMS_BODY_MAX
from .. import webhooks
from ..model.numbers import NotReceivable, sms_number
from ..model.state import Emulator
from ..model.store import new_sid, now
from ..telephony.twiml import (
    CONTENT_TYPE_INVALID,
    DOCUMENT_PARSE_FAILURE,
    HTTP_RETRIEVAL_FAILURE,
    MAX_DOCUMENTS,
    TOO_MANY_DOCUMENTS,
    Redirect,
    Sms,
    TwimlError,
    media_type,
    parse_sms_twiml,
)
from ..xml_text import illegal_character
from . import callee_replies, outgoing

__all__ = [
    "COOKIE_IDLE_SECONDS",
    "answer_sms",
    "receive_sms",
    "send_callee_reply",
]

log = logging.getLogger(__name__)

#: Simulated seconds without a request after which the cookies of a pair of numbers expire.
COOKIE_IDLE_SECONDS = 4 * 3600.0
#: Notification code of a text reply over 160 characters (the code of a too long ``Body``).
REPLY_TOO_LONG = CODES["sms_body_too_long"]
_TWIML_TYPES = frozenset({"text/xml", "application/xml", "text/html"})


def receive_sms(
    emu: Emulator, account_sid: str, from_: str, to: str, body: str, *, sid: str | None = None
) -> SmsMessage:
    """Store a message texted from ``from_`` to the account's number ``to`` and answer it; return it.

    The application's ``SmsUrl`` is requested in the background (see the module docstring).

    :param emu: the emulator (its event loop must be running).
    :param account_sid: the account owning ``to``.
    :param from_: the normalised sender.
    :param to: the normalised number texted.
    :param body: the text (already checked).
    :param sid: the SID to store it under; when a message with this SID exists, it is returned
        as it is and nothing else happens (a scripted reply resumed after a restart).
    :raises NotReceivable: when ``to`` cannot receive the account's SMS.
    """
    number = sms_number(emu, account_sid, to)
    if sid is not None:
        existing = emu.store.get(SmsMessage, sid)
        if existing is not None:
            return existing.record
    stamp = now()
    message = SmsMessage(
        sid=sid or new_sid("SM"),
        date_created=stamp,
        date_updated=stamp,
        date_sent=stamp,
        account_sid=account_sid,
        to=to,
        from_=from_,
        body=body,
        status=SmsStatus.SENT,
        flags=SmsFlags.INBOUND,
    )
    emu.store.put(message)
    if number.sms_url:
        emu.spawn(answer_sms(emu, message, number), account_sid)
    return message


async def answer_sms(emu: Emulator, message: SmsMessage, number: IncomingPhoneNumber) -> None:
    """Request the number's ``SmsUrl`` (then its fallback) for ``message`` and act on the answers.

    :param emu: the emulator.
    :param message: the incoming message.
    :param number: the number texted.
    """
    if emu.http is None:
        return
    try:
        await _Exchange(emu, message, number).run()
    except Exception:  # a bug must not vanish silently in a background task
        log.exception("incoming SMS %s: the exchange with the application failed", message.sid)


@dataclass(frozen=True)
class _Request:
    """A request for a document: where, how, and the parameters beyond the standard ones."""

    url: str
    method: str
    params: dict[str, str]


@dataclass(frozen=True)
class _Document:
    """An application's usable answer: SMS TwiML verbs, or the text of a reply."""

    url: str
    verbs: tuple[Sms | Redirect, ...] = ()
    text: str | None = None


class _Failure(Exception):
    """A request whose answer cannot be used: the Notification to write."""

    def __init__(self, code: int, message: str, response: webhooks.Answer | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.response = response


class _Exchange:
    """The requests made for one incoming message, with the cookies of its pair of numbers."""

    def __init__(self, emu: Emulator, message: SmsMessage, number: IncomingPhoneNumber) -> None:
        self.emu = emu
        self.message = message
        self.number = number
        self.account_sid = message.account_sid or ""
        self.pair = (message.account_sid or "", message.from_ or "", message.to or "")
        self.documents = 0

    def standard_params(self) -> dict[str, str]:
        """Return the parameters of reference 5.3 (both SID spellings, no geo fields)."""
        message = self.message
        return {
            "SmsSid": message.sid,
            "SmsMessageSid": message.sid,
            "AccountSid": self.account_sid,
            "From": message.from_ or "",
            "To": message.to or "",
            "Body": message.body or "",
        }

    def _cookies(self) -> httpx.Cookies:
        """Return the pair's cookie jar (a new one after 4 idle simulated hours); mark it used."""
        clock = self.emu.clock()
        jars = self.emu.sms_cookies
        for pair, (_jar, used) in list(jars.items()):
            if clock - used > COOKIE_IDLE_SECONDS:
                del jars[pair]
        jar = jars[self.pair][0] if self.pair in jars else httpx.Cookies()
        jars[self.pair] = (jar, clock)
        return jar

    async def fetch(self, request: _Request) -> webhooks.Answer:
        """Send one signed request with the pair's cookies.

        :param request: what to request.
        :raises _Failure: 11200 when the URL cannot be reached.
        """
        assert self.emu.http is not None
        jar = self._cookies()
        params = {**self.standard_params(), **request.params}
        try:
            built = webhooks.build_request(self.emu, self.account_sid, request.url, request.method, params)
            jar.set_cookie_header(built)
            answer, response = await webhooks.send(self.emu, built)
        except (httpx.HTTPError, ValueError) as exc:
            raise _Failure(
                HTTP_RETRIEVAL_FAILURE, f"HTTP retrieval failure: {type(exc).__name__}: {exc}"
            ) from None
        jar.extract_cookies(response)
        self.emu.sms_cookies[self.pair] = (jar, self.emu.clock())
        return answer

    @staticmethod
    def read(request: _Request, response: webhooks.Answer) -> _Document:
        """Return the document an answer holds.

        :param request: the request answered.
        :param response: the answer.
        :raises _Failure: 11200, 12100, 12300 or 21605 when it cannot be used.
        """
        if not 200 <= response.status_code < 300:
            message = f"HTTP retrieval failure: status {response.status_code}"
            raise _Failure(HTTP_RETRIEVAL_FAILURE, message, response)
        content_type = response.content_type
        kind = media_type(content_type)
        if kind in _TWIML_TYPES or kind.endswith("+xml"):
            try:
                return _Document(request.url, verbs=tuple(parse_sms_twiml(response.content)))
            except TwimlError as exc:
                raise _Failure(DOCUMENT_PARSE_FAILURE, f"Document parse failure: {exc}", response) from None
        if kind == "text/plain":
            text = response.text.strip()
            code_point = illegal_character(text)
            if code_point is not None:
                message = f"Document parse failure: the SMS reply holds {code_point}, which XML cannot carry"
                raise _Failure(DOCUMENT_PARSE_FAILURE, message, response)
            if len(text) > SMS_BODY_MAX:
                size = f"over {response.limit} bytes" if response.cut else f"{len(text)} characters"
                message = f"SMS reply is {size} long, over {SMS_BODY_MAX} characters: nothing sent"
                raise _Failure(REPLY_TOO_LONG, message, response)
            return _Document(request.url, text=text)
        message = f"Invalid Content-Type: {content_type or '(none)'}"
        raise _Failure(CONTENT_TYPE_INVALID, message, response)

    async def load(self, request: _Request) -> _Document | None:
        """Request a document; on failure write the Notification and return ``None``.

        :param request: what to request.
        """
        self.documents += 1
        try:
            return self.read(request, await self.fetch(request))
        except _Failure as failure:
            self.notify(failure, request)
            return None

    def notify(self, failure: _Failure, request: _Request) -> None:
        """Write an error Notification (Log 0, empty CallSid) for a failed request.

        :param failure: what went wrong.
        :param request: the request that failed.
        """
        stamp = now()
        response = failure.response
        headers = f"Content-Type: {response.content_type}" if response is not None else ""
        notification = Notification(
            sid=new_sid("NO"),
            date_created=stamp,
            date_updated=stamp,
            account_sid=self.account_sid,
            call_sid="",
            log=NotificationLog.ERROR,
            error_code=failure.code,
            more_info=paths.more_info_url(failure.code),
            message_text=failure.message,
            message_date=stamp,
            request_url=request.url,
            request_method=request.method,
            request_variables=urlencode({**self.standard_params(), **request.params}),
            response_headers=headers,
            response_body=response.text if response is not None else "",
        )
        self.emu.store.put(notification, parent=self.message.sid)

    async def run(self) -> None:
        """Request ``SmsUrl`` (then ``SmsFallbackUrl``) and follow the documents to their end."""
        number = self.number
        document = await self.load(_Request(number.sms_url or "", number.sms_method or "POST", {}))
        if document is None and number.sms_fallback_url:
            fallback = _Request(number.sms_fallback_url, number.sms_fallback_method or "POST", {})
            document = await self.load(fallback)
        while document is not None:
            following = self.perform(document)
            if following is None:
                return
            if self.documents >= MAX_DOCUMENTS:
                message = f"more than {MAX_DOCUMENTS} TwiML documents for one incoming SMS (redirect loop?)"
                self.notify(_Failure(TOO_MANY_DOCUMENTS, message), following)
                return
            document = await self.load(following)

    def perform(self, document: _Document) -> _Request | None:
        """Send what a document asks for; return the next request (``action``, ``<Redirect>``), if any.

        :param document: the document.
        """
        if document.text is not None:
            if document.text:
                self.reply(document.text)
            return None
        for verb in document.verbs:
            if isinstance(verb, Redirect):
                return _Request(urljoin(document.url, verb.url), verb.method, {})
            sms_sid, status = self.send(verb, document.url)
            if verb.action is not None:
                params = {"SmsSid": sms_sid, "SmsMessageSid": sms_sid, "SmsStatus": status}
                return _Request(urljoin(document.url, verb.action), verb.method, params)
        return None

    def reply(self, text: str) -> None:
        """Text ``text`` back to the sender from the number texted.

        :param text: the reply (1-160 characters).
        """
        outgoing.create_sms(
            self.emu,
            self.account_sid,
            to=self.message.from_ or "",
            from_=self.message.to or "",
            body=text,
            status_callback=None,
            flags=SmsFlags.REPLY,
        )

    def send(self, verb: Sms, url: str) -> tuple[str, str]:
        """Send an ``<Sms>``; return ``(SmsSid, "sending")`` or ``("", "invalid")``.

        :param verb: the verb.
        :param url: the document's URL (``statusCallback`` is resolved against it).
        """
        callback = None if verb.status_callback is None else urljoin(url, verb.status_callback)
        return outgoing.send_from_twiml(
            self.emu,
            self.account_sid,
            to=verb.to or self.message.from_ or "",
            from_=verb.from_ or self.message.to or "",
            body=verb.text,
            status_callback=callback,
        )


async def send_callee_reply(emu: Emulator, sms_sid: str) -> None:
    """Wait the scripted delay, then receive the scripted reply to the account's message ``sms_sid``.

    A step of the SMS lifecycle after delivery (:mod:`..lifecycles`): it does nothing for a
    message without a pending plan.

    :param emu: the emulator.
    :param sms_sid: the account's outgoing message, with a plan from :func:`.callee_replies.plan`.
    """
    row = emu.store.get(SmsMessage, sms_sid)
    if row is None or not callee_replies.pending(row):
        return
    await emu.sleep(float(row.extra.get(callee_replies.AFTER, 0.0)))
    row = emu.store.get(SmsMessage, sms_sid)
    if row is None or not callee_replies.pending(row):
        return
    sent = row.record
    try:
        receive_sms(
            emu,
            sent.account_sid or "",
            sent.to or "",
            sent.from_ or "",
            row.extra[callee_replies.TEXT],
            sid=row.extra[callee_replies.SID],
        )
    except NotReceivable as exc:
        log.info("scripted reply to %s dropped: %s", sms_sid, exc.message)
    # ``put`` rather than ``update``: an internal mark must not change the message's DateUpdated.
    emu.store.put(sent, parent=row.parent, extra={**row.extra, callee_replies.DONE: True})
