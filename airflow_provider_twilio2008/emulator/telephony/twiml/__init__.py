"""Parse TwiML 2008-08-01 voice documents and run them against a simulated call.

This module is a pure interpreter: it never opens a socket or a database. Everything the
outside world does (fetching the application's URLs, the caller pressing keys, recordings,
dialling, SMS, the clock) goes through a :class:`CallContext`, which the emulator's telephony
layer implements and tests replace with a recording fake.

``CallContext`` (the contract with the telephony layer):

* ``fetch(url, method, params)`` -> :class:`FetchResult`; raises :class:`FetchError` when the
  URL cannot be reached. ``params`` are only the extra parameters (``Digits``,
  ``RecordingUrl``, ``Duration``, ``DialStatus``, ``SmsSid``, ``SmsStatus``); the context adds
  the standard call parameters of reference section 5.1 itself.
* ``elapse(seconds)`` advances the call's simulated clock.
* ``digits_for_gather(num_digits, finish_on_key)`` -> the keys the caller presses (``""`` =
  none). The interpreter applies ``numDigits`` and ``finishOnKey`` to what it gets, so the
  context may return the raw key presses.
* ``record_length(max_length)`` -> seconds the caller speaks (0 = nothing recorded).
* ``create_recording(duration)`` -> ``(recording_sid, recording_url)``: the SID is needed for
  the transcription, the URL for the ``action`` request.
* ``create_transcription(recording_sid, duration, callback)``: the context completes it and
  POSTs ``callback`` (already resolved to an absolute URL) when it wants to.
* ``send_sms(to, from_, body, status_callback)`` -> ``(SmsSid, SmsStatus)`` with status
  ``sending`` or ``invalid``; ``None`` for ``to``/``from_`` means the defaults of reference 6.1,
  which the context knows; the context also judges the body (blank or over 160 characters is
  ``invalid``).
* ``dial(number, timeout=, caller_id=, time_limit=)`` -> ``DialStatus`` (``answered``,
  ``busy``, ``no-answer``, ``failed``); the context spends the leg's simulated time itself.
* ``caller_id_allowed(caller_id)`` -> whether the call may show ``<Dial callerId>`` (reference
  6.1: the caller's own number, one of the account's numbers or a validated caller ID).
* ``join_conference(name, muted=, beep=, start_on_enter=, end_on_exit=)``: returns when the
  caller leaves the conference.
* ``notify_error(code, message, url=, method=, request_vars=, response_headers=,
  response_body=)`` writes a Notification; ``request_vars`` holds only the extra parameters,
  form-encoded, for the context to complete.
* ``redirect_requested()`` -> ``(url, method)`` of a pending REST redirect (reference 3.4), or
  ``None``; it must clear the request it returns.

Choices made where reference section 6 is silent or says "inferred":

* Unknown elements and unknown attributes are refused (code 12100), as are non-whitespace text
  outside verbs and a ``version`` other than ``2008-08-01``: an emulator should surface typos
  such as ``Action=`` that Twilio would silently ignore. Boolean attribute values and methods
  are compared case-insensitively; every other value is case-sensitive.
* ``loop="0"`` ("until hang-up" / "forever") is played once: a simulated caller never hangs up
  on its own.
* Simulated time: ``<Say>`` 0.08 s per character per loop, ``<Play>`` 5 s per loop, the beep
  of ``<Record>`` 0.5 s, each gathered key 0.5 s, a ``<Gather>`` without input waits its
  ``timeout``, a recording shorter than ``maxLength`` is followed by ``timeout`` seconds of
  silence.
* ``<Gather>`` prompts are played in full before the keys are read; ``<Record>`` sends
  ``Digits=""`` (the simulated caller stops by falling silent). With ``transcribe`` the
  effective ``maxLength`` is ``min(maxLength, 120)``.
* A ``<Dial>`` of numbers whose non-empty ``callerId`` the context refuses rings nobody: its
  ``DialStatus`` is ``failed`` and a Notification 13214 (Log 0, Twilio's later "Dial: Invalid
  callerId value") is written on the document that holds it. ``callerId=""`` means the default.
  With ``<Conference>`` the attribute is ignored, as reference 6.1 says.
* ``run_url(..., fallback=(url, method))`` requests the fallback with the same parameters when
  the first document fails; an empty URL fails like an unreachable one (11200).
* Several ``<Number>`` nouns are dialled in order; the first ``answered`` wins. Otherwise the
  ``DialStatus`` is ``busy`` or ``failed`` when every leg said so, else ``no-answer``. A
  ``<Conference>`` reports ``answered``. ``<Number url>`` and ``waitUrl`` are parsed, not run.
* Responses: ``text/xml``, ``application/xml``, ``text/html`` and any ``+xml`` type are TwiML;
  ``text/plain`` is spoken, any ``audio/*`` played, then the call ends; any other type fails
  with 12300; a non-2xx status or an unreachable URL fails with 11200.
* At most :data:`MAX_DOCUMENTS` documents per call (the first one included); the next fetch
  fails with 11215 ("too many redirects" in Twilio's later error dictionary).
* A REST redirect is honoured before each verb and at the end of a document, not inside a verb.
"""

from __future__ import annotations

from .parse import MAX_TWIML_BYTES, parse_sms_twiml, parse_twiml
from .run import (
    CONTENT_TYPE_INVALID,
    DIAL_CALLER_ID_INVALID,
    HTTP_RETRIEVAL_FAILURE,
    MAX_DOCUMENTS,
    TOO_MANY_DOCUMENTS,
    CallContext,
    FetchError,
    FetchResult,
    Outcome,
    decoded_text,
    media_type,
    run_twiml,
    run_url,
)
from .verbs import (
    DEFAULT_WAIT_URL,
    DOCUMENT_PARSE_FAILURE,
    Conference,
    Dial,
    Gather,
    Hangup,
    Number,
    Pause,
    Play,
    Record,
    Redirect,
    Say,
    Sms,
    TwimlError,
    Verb,
)

__all__ = [
    "CONTENT_TYPE_INVALID",
    "DEFAULT_WAIT_URL",
    "DIAL_CALLER_ID_INVALID",
    "DOCUMENT_PARSE_FAILURE",
    "HTTP_RETRIEVAL_FAILURE",
    "MAX_DOCUMENTS",
    "MAX_TWIML_BYTES",
    "TOO_MANY_DOCUMENTS",
    "CallContext",
    "Conference",
    "Dial",
    "FetchError",
    "FetchResult",
    "Gather",
    "Hangup",
    "Number",
    "Outcome",
    "Pause",
    "Play",
    "Record",
    "Redirect",
    "Say",
    "Sms",
    "TwimlError",
    "Verb",
    "parse_sms_twiml",
    "parse_twiml",
    "decoded_text",
    "media_type",
    "run_twiml",
    "run_url",
]
