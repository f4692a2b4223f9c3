"""REST handlers for SMS Messages, Recordings (with media), Transcriptions and Notifications.

Choices where the reference says *inferred*:

- ``POST /SMS/Messages`` answers 201 with ``Location``. ``From`` must be a local (SMS-capable)
  IncomingPhoneNumber of the account, else 400 / 21606; an invalid ``To`` gives 21211.
- SMS list sorted by ``DateSent`` newest first; unsent messages (no ``DateSent``) by
  ``DateCreated``, among the newest.
- A recording instance is public in every representation (media and documents); its
  transcriptions are not. ``DELETE`` on a recording needs credentials and answers 204.
- Recording list filters: ``CallSid`` and ``DateCreated`` (with inequalities).
- Notifications: filters ``Log`` and ``MessageDate`` (with inequalities); lists leave
  ``RequestVariables``, ``ResponseHeaders`` and ``ResponseBody`` empty (instance only);
  ``DELETE`` answers 204.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.responses import Response

from ..api import paths, validate
from ..api.records import Notification, Recording, SmsFlags, SmsMessage, Transcription
from . import messaging, telephony
from .audio import mp3_bytes, wav_bytes
from .rest import NOT_FOUND, Req, RestError, date_filter, exact_filter, lookup, no_content, paginate, respond
from .routes_calls import checked, newest_first
from .state import Emulator

__all__ = ["ROUTES", "list_notification_records"]

CODES = validate.CODES


async def list_sms(emu: Emulator, req: Req) -> Response:
    """List SMS messages, filtered by To, From and DateSent."""
    records = [row.record for row in emu.store.find(SmsMessage, req.account_sid)]
    exact = exact_filter(req, [("To", lambda m: m.to), ("From", lambda m: m.from_)])
    sent = date_filter(req, "DateSent", lambda m: m.date_sent)
    chosen = [m for m in records if exact(m) and sent(m)]
    indexed = list(enumerate(chosen))
    indexed.sort(key=lambda pair: (pair[1].date_sent or pair[1].date_created, pair[0]), reverse=True)
    return paginate(req, [m for _, m in indexed], SmsMessage)


async def send_sms(emu: Emulator, req: Req) -> Response:
    """Send an SMS (reference 3.5); 201 with the queued message."""
    params = req.params
    if not params.get("From", "").strip():
        raise RestError(400, "A 'From' phone number is required", CODES["sms_from_missing"])
    if not params.get("To", "").strip():
        raise RestError(400, "A 'To' phone number is required", CODES["sms_to_missing"])
    sender = checked(
        validate.phone_number,
        params["From"],
        "From",
        param="From",
        code=CODES["sms_from_not_owned"],
        allow_short_code=True,
    )
    to = checked(
        validate.phone_number,
        params["To"],
        "To",
        param="To",
        code=CODES["called_invalid"],
        allow_short_code=True,
    )
    body = checked(validate.sms_body, params.get("Body"), "Body")
    callback = None
    if params.get("StatusCallback"):
        callback = checked(validate.url, params["StatusCallback"], "StatusCallback", param="StatusCallback")
    if telephony.caller_id_sid(emu, req.account_sid or "", sender, sms=True) is None:
        raise RestError(
            400,
            f"The From phone number {sender} is not a valid, SMS-capable phone number of your account",
            CODES["sms_from_not_owned"],
        )
    message = messaging.create_sms(
        emu,
        req.account_sid or "",
        to=to,
        from_=sender,
        body=body,
        status_callback=callback,
        flags=SmsFlags.API,
    )
    location = emu.resource_url(
        paths.fill(paths.SMS_MESSAGE, account_sid=req.account_sid or "", sms_sid=message.sid)
    )
    return respond(req, message, status=201, headers={"Location": location})


async def get_sms(emu: Emulator, req: Req) -> Response:
    """Fetch an SMS message."""
    row = lookup(emu, req, SmsMessage, req.path_params["sms_sid"])
    return respond(req, row.record)


async def list_recordings(emu: Emulator, req: Req) -> Response:
    """List recordings, filtered by CallSid and DateCreated."""
    records = [row.record for row in emu.store.find(Recording, req.account_sid)]
    exact = exact_filter(req, [("CallSid", lambda r: r.call_sid)])
    created = date_filter(req, "DateCreated", lambda r: r.date_created)
    return paginate(
        req, newest_first([r for r in records if exact(r) and created(r)], "date_created"), Recording
    )


def _recording_row(emu: Emulator, req: Req) -> Any:
    return lookup(emu, req, Recording, req.path_params["recording_sid"])


async def get_recording(emu: Emulator, req: Req) -> Response:
    """Serve a recording: WAV by default or with ``.wav``, MP3 with ``.mp3``, else its document."""
    recording: Recording = _recording_row(emu, req).record
    seconds = float(recording.duration or 1)
    if req.fmt == "wav" or (req.fmt == "xml" and not req.suffix and req.method == "GET"):
        return Response(wav_bytes(seconds), media_type=paths.RECORDING_MEDIA["wav"])
    if req.fmt == "mp3":
        return Response(mp3_bytes(seconds), media_type=paths.RECORDING_MEDIA["mp3"])
    return respond(req, recording)


async def delete_recording(emu: Emulator, req: Req) -> Response:
    """Delete a recording (and its transcriptions); 204."""
    row = _recording_row(emu, req)
    for transcription in emu.store.find(Transcription, req.account_sid, parent=row.record.sid):
        emu.store.delete(transcription)
    emu.store.delete(row)
    return no_content()


async def list_transcriptions(emu: Emulator, req: Req) -> Response:
    """List the account's transcriptions, or one recording's, newest first."""
    parent = None
    if "recording_sid" in req.path_params:
        parent = _recording_row(emu, req).record.sid
    records = [row.record for row in emu.store.find(Transcription, req.account_sid, parent=parent)]
    return paginate(req, newest_first(records), Transcription)


async def get_transcription(emu: Emulator, req: Req) -> Response:
    """Fetch a transcription; with ``.txt`` only its text."""
    row = emu.store.get(Transcription, req.path_params["transcription_sid"], account_sid=req.account_sid)
    if row is None or ("recording_sid" in req.path_params and row.parent != req.path_params["recording_sid"]):
        raise RestError(404, NOT_FOUND)
    if req.fmt == "txt":
        return Response(row.record.transcription_text or "", media_type="text/plain; charset=utf-8")
    return respond(req, row.record)


def list_notification_records(emu: Emulator, req: Req, parent: str | None = None) -> list[Notification]:
    """Return the filtered notifications in list form (request/response details blanked).

    :param emu: the emulator.
    :param req: the request (filters ``Log`` and ``MessageDate``).
    :param parent: only those of this call.
    """
    records = [row.record for row in emu.store.find(Notification, req.account_sid, parent=parent)]
    exact = exact_filter(req, [("Log", lambda n: n.log)])
    dated = date_filter(req, "MessageDate", lambda n: n.message_date)
    chosen = [n for n in records if exact(n) and dated(n)]
    blanked = [replace(n, request_variables=None, response_headers=None, response_body=None) for n in chosen]
    return newest_first(blanked, "date_created")


async def list_notifications(emu: Emulator, req: Req) -> Response:
    """List notifications, filtered by Log and MessageDate."""
    return paginate(req, list_notification_records(emu, req), Notification)


def _notification_row(emu: Emulator, req: Req) -> Any:
    return lookup(emu, req, Notification, req.path_params["notification_sid"])


async def get_notification(emu: Emulator, req: Req) -> Response:
    """Fetch a notification with its request and response details."""
    return respond(req, _notification_row(emu, req).record)


async def delete_notification(emu: Emulator, req: Req) -> Response:
    """Delete a notification; 204."""
    emu.store.delete(_notification_row(emu, req))
    return no_content()


ROUTES = [
    (paths.SMS_MESSAGES, {"GET": list_sms, "POST": send_sms}),
    (paths.SMS_MESSAGE, {"GET": get_sms}),
    (paths.RECORDINGS, {"GET": list_recordings}),
    (paths.RECORDING_TRANSCRIPTIONS, {"GET": list_transcriptions}),
    (paths.RECORDING_TRANSCRIPTION, {"GET": get_transcription}),
    (paths.RECORDING, {"GET": get_recording, "DELETE": delete_recording}),
    (paths.TRANSCRIPTIONS, {"GET": list_transcriptions}),
    (paths.TRANSCRIPTION, {"GET": get_transcription}),
    (paths.NOTIFICATIONS, {"GET": list_notifications}),
    (paths.NOTIFICATION, {"GET": get_notification, "DELETE": delete_notification}),
]
