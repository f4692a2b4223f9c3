"""REST handlers for Recordings (with their WAV and MP3 media) and Transcriptions.

Choices where the reference says *inferred*:

- A recording instance is public in every representation (media and documents); its
  transcriptions are not. ``DELETE`` on a recording needs credentials and answers 204.
- Recording list filters: ``CallSid`` and ``DateCreated`` (with inequalities).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ...api import filters, paths
from ...api.records import Recording, Transcription
from ..model.state import Emulator
from ..telephony.audio import mp3_bytes, wav_bytes
from .endpoint import (
    NOT_FOUND,
    Req,
    RestError,
    listed,
    lookup,
    newest_first,
    no_content,
    paginate,
    respond,
)

__all__ = ["ROUTES"]


async def list_recordings(emu: Emulator, req: Req) -> Response:
    """List recordings, filtered by CallSid and DateCreated."""
    records = [row.record for row in emu.store.find(Recording, req.account_sid)]
    chosen = list(filter(listed(req, filters.RECORDINGS), records))
    return paginate(req, newest_first(chosen, "date_created"), Recording)


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


ROUTES = [
    (paths.RECORDINGS, {"GET": list_recordings}),
    (paths.RECORDING_TRANSCRIPTIONS, {"GET": list_transcriptions}),
    (paths.RECORDING_TRANSCRIPTION, {"GET": get_transcription}),
    (paths.RECORDING, {"GET": get_recording, "DELETE": delete_recording}),
    (paths.TRANSCRIPTIONS, {"GET": list_transcriptions}),
    (paths.TRANSCRIPTION, {"GET": get_transcription}),
]
