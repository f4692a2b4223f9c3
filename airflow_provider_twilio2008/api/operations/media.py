"""Recording and transcription operations."""

from __future__ import annotations

from .. import paths, validate
from ..filters import RECORDINGS
from ..records import (
    Recording,
    Transcription,
)
from ._common import (
    ApiRequest,
    DateLike,
    account_path,
    list_request,
)


def list_recordings(
    account_sid: str,
    *,
    call_sid: str | None = None,
    created_on: DateLike | None = None,
    created_after: DateLike | None = None,
    created_before: DateLike | None = None,
    page_size: int = paths.DEFAULT_PAGE_SIZE,
) -> ApiRequest:
    """List recordings, optionally of one call (``CallSid``) or by ``DateCreated`` (inferred filter)."""
    filters = RECORDINGS.query(
        call_sid=call_sid, created_on=created_on, created_after=created_after, created_before=created_before
    )
    return list_request(account_path(paths.RECORDINGS, account_sid), Recording, filters, page_size)


def get_recording(account_sid: str, recording_sid: str) -> ApiRequest:
    """Fetch a recording's metadata (the ``.xml`` representation; the bare URI is the audio)."""
    sid = validate.sid(recording_sid, validate.RECORDING, "recording_sid")
    return ApiRequest(
        "GET", account_path(paths.RECORDING, account_sid, recording_sid=sid) + ".xml", record=Recording
    )


def recording_media(account_sid: str, recording_sid: str, fmt: str = "wav") -> ApiRequest:
    """Fetch a recording's audio: ``wav`` (audio/x-wav) or ``mp3`` (audio/mpeg)."""
    sid = validate.sid(recording_sid, validate.RECORDING, "recording_sid")
    suffix = validate.choice(fmt, "fmt", tuple(paths.RECORDING_MEDIA))
    return ApiRequest("GET", account_path(paths.RECORDING, account_sid, recording_sid=sid) + f".{suffix}")


def delete_recording(account_sid: str, recording_sid: str) -> ApiRequest:
    """Delete a recording."""
    sid = validate.sid(recording_sid, validate.RECORDING, "recording_sid")
    return ApiRequest("DELETE", account_path(paths.RECORDING, account_sid, recording_sid=sid))


def list_transcriptions(
    account_sid: str, *, recording_sid: str | None = None, page_size: int = paths.DEFAULT_PAGE_SIZE
) -> ApiRequest:
    """List transcriptions of the account, or of one recording."""
    if recording_sid is None:
        return list_request(account_path(paths.TRANSCRIPTIONS, account_sid), Transcription, (), page_size)
    sid = validate.sid(recording_sid, validate.RECORDING, "recording_sid")
    path = account_path(paths.RECORDING_TRANSCRIPTIONS, account_sid, recording_sid=sid)
    return list_request(path, Transcription, (), page_size)


def _transcription_path(account_sid: str, transcription_sid: str, recording_sid: str | None) -> str:
    sid = validate.sid(transcription_sid, validate.TRANSCRIPTION, "transcription_sid")
    if recording_sid is None:
        return account_path(paths.TRANSCRIPTION, account_sid, transcription_sid=sid)
    recording = validate.sid(recording_sid, validate.RECORDING, "recording_sid")
    return account_path(
        paths.RECORDING_TRANSCRIPTION, account_sid, recording_sid=recording, transcription_sid=sid
    )


def get_transcription(
    account_sid: str, transcription_sid: str, recording_sid: str | None = None
) -> ApiRequest:
    """Fetch a transcription; without ``recording_sid`` the account-level URI is used (inferred)."""
    path = _transcription_path(account_sid, transcription_sid, recording_sid)
    return ApiRequest("GET", path, record=Transcription)


def transcription_text(
    account_sid: str, transcription_sid: str, recording_sid: str | None = None
) -> ApiRequest:
    """Fetch only a transcription's text (the ``.txt`` representation)."""
    return ApiRequest("GET", _transcription_path(account_sid, transcription_sid, recording_sid) + ".txt")
