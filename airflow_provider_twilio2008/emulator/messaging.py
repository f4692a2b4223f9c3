"""SMS delivery, transcriptions and caller-ID validation: the emulator's asynchronous side jobs.

Choices where the reference says *inferred*:

- SMS timing (simulated): ``queued`` -> ``sending`` after 1 s, -> ``sent`` (``DateSent`` set) or
  ``failed`` 2 s later. An SMS to ``5005550009`` ends ``failed``. The ``StatusCallback`` POST
  carries ``SmsSid`` and ``SmsStatus`` plus ``AccountSid``, ``From``, ``To`` and ``Body``; it is
  tried once, failures are ignored (Twilio documents no retries).
- A transcription completes 10 simulated seconds after its recording (``Price`` -0.05000);
  one of a recording longer than 120 s fails. Its text is the callee script's ``transcript``.
- Caller-ID validation: ``POST OutgoingCallerIds`` answers **200** (no resource exists yet, so
  not 201, and no ``Location``). The simulated callee keys in the code ``CallDelay`` + 10
  simulated seconds later and the OutgoingCallerId appears; numbers scripted busy, no-answer or
  failed never complete. ``POST /_emulator/validations/{PhoneNumber}`` completes one at once.
- On restart, queued/sending SMS, in-progress transcriptions and pending validations resume
  where they were (each step is stored before it is taken, so nothing is lost or repeated
  except, at worst, one status callback).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from typing import Any

import httpx

from ..api import paths
from ..api.records import (
    Account,
    OutgoingCallerId,
    Recording,
    SmsFlags,
    SmsMessage,
    SmsStatus,
    Transcription,
    TranscriptionStatus,
    ValidationRequest,
)
from .state import SMS_FAIL_NUMBER, Emulator, format_number
from .store import Row, new_sid, now

__all__ = [
    "complete_validation",
    "create_sms",
    "create_transcription",
    "post_callback",
    "resume_messaging",
    "signature",
    "start_validation",
]

log = logging.getLogger(__name__)

SMS_QUEUE_SECONDS = 1.0
SMS_SEND_SECONDS = 2.0
TRANSCRIBE_SECONDS = 10.0
TRANSCRIBE_MAX_SECONDS = 120
VALIDATION_SECONDS = 10.0


def signature(auth_token: str, url: str, params: dict[str, str] | None) -> str:
    """Return ``X-Twilio-Signature``: Base64(HMAC-SHA1(token, URL + sorted name/value pairs)).

    :param auth_token: the account's Auth Token (the key).
    :param url: the full URL requested, query string included.
    :param params: the POST form fields (``None`` for GET).
    """
    message = url + "".join(name + value for name, value in sorted((params or {}).items()))
    digest = hmac.new(auth_token.encode(), message.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def auth_token_of(emu: Emulator, account_sid: str) -> str:
    """Return an account's Auth Token (used as the signing key).

    :param emu: the emulator.
    :param account_sid: the account.
    """
    row = emu.store.get(Account, account_sid)
    return (row.record.auth_token or "") if row else ""


async def post_callback(emu: Emulator, account_sid: str, url: str, params: dict[str, str]) -> None:
    """POST a signed, form-encoded callback once; failures are logged and ignored.

    :param emu: the emulator.
    :param account_sid: the account whose token signs the request.
    :param url: the callback URL.
    :param params: the form fields.
    """
    if emu.http is None:
        return
    headers = {"X-Twilio-Signature": signature(auth_token_of(emu, account_sid), url, params)}
    try:
        await emu.http.post(url, data=params, headers=headers)
    except httpx.HTTPError as exc:
        log.info("callback %s failed: %s", url.split("?")[0], type(exc).__name__)


def create_sms(
    emu: Emulator,
    account_sid: str,
    *,
    to: str,
    from_: str,
    body: str,
    status_callback: str | None,
    flags: SmsFlags,
) -> SmsMessage:
    """Store a queued SMS and start delivering it.

    :param emu: the emulator.
    :param account_sid: the sender's account.
    :param to: the normalised recipient.
    :param from_: the normalised sender (already checked to be the account's number).
    :param body: the text (already checked).
    :param status_callback: URL POSTed with the final status.
    :param flags: ``API`` for REST sends, ``REPLY`` for TwiML ``<Sms>`` (our choice).
    """
    stamp = now()
    message = SmsMessage(
        sid=new_sid("SM"),
        date_created=stamp,
        date_updated=stamp,
        account_sid=account_sid,
        to=to,
        from_=from_,
        body=body,
        status=SmsStatus.QUEUED,
        flags=flags,
    )
    emu.store.put(message, extra={"status_callback": status_callback or ""})
    emu.spawn(deliver_sms(emu, message.sid))
    return message


async def deliver_sms(emu: Emulator, sms_sid: str) -> None:
    """Move an SMS through ``queued`` -> ``sending`` -> ``sent``/``failed`` and call back.

    :param emu: the emulator.
    :param sms_sid: the message.
    """
    row = emu.store.get(SmsMessage, sms_sid)
    if row is None:
        return
    if row.record.status is SmsStatus.QUEUED:
        await emu.sleep(SMS_QUEUE_SECONDS)
        row = emu.store.update(row, status=SmsStatus.SENDING)
    if row.record.status is SmsStatus.SENDING:
        await emu.sleep(SMS_SEND_SECONDS)
        if row.record.to == SMS_FAIL_NUMBER:
            row = emu.store.update(row, status=SmsStatus.FAILED)
        else:
            row = emu.store.update(row, status=SmsStatus.SENT, date_sent=now())
    callback = row.extra.get("status_callback")
    if callback and not row.extra.get("callback_done"):
        emu.store.update(row, extra={"callback_done": True})
        message = row.record
        params = {
            "SmsSid": message.sid,
            "SmsStatus": message.status.value,
            "AccountSid": message.account_sid or "",
            "From": message.from_ or "",
            "To": message.to or "",
            "Body": message.body or "",
        }
        await post_callback(emu, message.account_sid or "", callback, params)


def recording_path(account_sid: str, recording_sid: str) -> str:
    """Return the path of a recording instance.

    :param account_sid: the owner.
    :param recording_sid: the recording.
    """
    return paths.fill(paths.RECORDING, account_sid=account_sid, recording_sid=recording_sid)


def transcription_path(account_sid: str, recording_sid: str, transcription_sid: str) -> str:
    """Return the path of a transcription instance, nested under its recording.

    :param account_sid: the owner.
    :param recording_sid: the recording.
    :param transcription_sid: the transcription.
    """
    return paths.fill(
        paths.RECORDING_TRANSCRIPTION,
        account_sid=account_sid,
        recording_sid=recording_sid,
        transcription_sid=transcription_sid,
    )


def create_transcription(
    emu: Emulator,
    recording: Recording,
    *,
    text: str,
    callback: str | None,
    callback_params: dict[str, str],
) -> Transcription:
    """Store an in-progress transcription of ``recording`` and complete it later.

    :param emu: the emulator.
    :param recording: the recording transcribed.
    :param text: the text it will hold when completed.
    :param callback: the ``transcribeCallback`` URL, if any.
    :param callback_params: the standard call parameters to send with the callback.
    """
    stamp = now()
    transcription = Transcription(
        sid=new_sid("TR"),
        date_created=stamp,
        date_updated=stamp,
        account_sid=recording.account_sid,
        status=TranscriptionStatus.IN_PROGRESS,
        recording_sid=recording.sid,
        duration=recording.duration,
    )
    extra = {"text": text, "callback": callback or "", "callback_params": callback_params}
    emu.store.put(transcription, parent=recording.sid, extra=extra)
    emu.spawn(finish_transcription(emu, transcription.sid))
    return transcription


async def finish_transcription(emu: Emulator, transcription_sid: str) -> None:
    """Complete (or fail) a transcription after its delay and POST its callback.

    :param emu: the emulator.
    :param transcription_sid: the transcription.
    """
    row = emu.store.get(Transcription, transcription_sid)
    if row is None:
        return
    if row.record.status is TranscriptionStatus.IN_PROGRESS:
        await emu.sleep(TRANSCRIBE_SECONDS)
        if (row.record.duration or 0) > TRANSCRIBE_MAX_SECONDS:
            row = emu.store.update(row, status=TranscriptionStatus.FAILED)
        else:
            row = emu.store.update(
                row,
                status=TranscriptionStatus.COMPLETED,
                transcription_text=row.extra.get("text", ""),
                price="-0.05000",
            )
    callback = row.extra.get("callback")
    if callback and not row.extra.get("callback_done"):
        emu.store.update(row, extra={"callback_done": True})
        record: Transcription = row.record
        account = record.account_sid or ""
        params = dict(row.extra.get("callback_params") or {})
        params.update(
            {
                "TranscriptionText": record.transcription_text or "",
                "TranscriptionStatus": record.status.value if record.status else "",
                "TranscriptionUrl": emu.resource_url(
                    transcription_path(account, record.recording_sid or "", record.sid)
                ),
                "RecordingUrl": emu.resource_url(recording_path(account, record.recording_sid or "")),
            }
        )
        await post_callback(emu, account, callback, params)


def start_validation(
    emu: Emulator, account_sid: str, phone_number: str, friendly_name: str | None, call_delay: int
) -> ValidationRequest:
    """Store a pending caller-ID validation and let the simulated callee complete it.

    :param emu: the emulator.
    :param account_sid: the account.
    :param phone_number: the normalised number to validate.
    :param friendly_name: the label for the caller ID.
    :param call_delay: seconds before the validation call (0-60).
    """
    request = ValidationRequest(
        account_sid=account_sid,
        phone_number=phone_number,
        friendly_name=friendly_name or format_number(phone_number),
        validation_code=f"{secrets.randbelow(10**6):06d}",
    )
    emu.store.put(request, extra={"call_delay": call_delay})
    emu.spawn(_validate_later(emu, phone_number))
    return request


async def _validate_later(emu: Emulator, phone_number: str) -> None:
    row = emu.store.get(ValidationRequest, phone_number)
    if row is None:
        return
    await emu.sleep(float(row.extra.get("call_delay", 0)) + VALIDATION_SECONDS)
    if emu.callee(phone_number).answer in ("busy", "no-answer", "failed"):
        emu.store.delete(row)
        return
    complete_validation(emu, phone_number)


def complete_validation(emu: Emulator, phone_number: str) -> OutgoingCallerId | None:
    """Turn a pending validation into an OutgoingCallerId; return it (``None`` if none pending).

    :param emu: the emulator.
    :param phone_number: the normalised number.
    """
    row = emu.store.get(ValidationRequest, phone_number)
    if row is None:
        return None
    request: ValidationRequest = row.record
    emu.store.delete(row)
    stamp = now()
    caller_id = OutgoingCallerId(
        sid=new_sid("PN"),
        date_created=stamp,
        date_updated=stamp,
        friendly_name=request.friendly_name,
        account_sid=request.account_sid,
        phone_number=request.phone_number,
    )
    emu.store.put(caller_id)
    return caller_id


def resume_messaging(emu: Emulator) -> None:
    """Restart the side jobs that were under way when the emulator stopped.

    :param emu: the emulator.
    """
    rows: list[Row] = emu.store.find(SmsMessage)
    for row in rows:
        message: Any = row.record
        pending_callback = row.extra.get("status_callback") and not row.extra.get("callback_done")
        if not message.status.is_terminal or pending_callback:
            emu.spawn(deliver_sms(emu, message.sid))
    for row in emu.store.find(Transcription):
        pending_callback = row.extra.get("callback") and not row.extra.get("callback_done")
        if row.record.status is TranscriptionStatus.IN_PROGRESS or pending_callback:
            emu.spawn(finish_transcription(emu, row.record.sid))
    for row in emu.store.find(ValidationRequest):
        emu.spawn(_validate_later(emu, row.record.phone_number))
