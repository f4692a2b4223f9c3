"""Transcriptions: complete (or fail) a recording's transcription later and POST its callback.

Choices where the reference says *inferred*: a transcription completes 10 simulated seconds
after its recording (``Price`` -0.05000); one of a recording longer than 120 s fails. Its text
is the callee script's ``transcript``. On restart, in-progress transcriptions resume.
"""

from __future__ import annotations

from ...api import paths
from ...api.records import Recording, Transcription, TranscriptionStatus
from ..model.state import Emulator
from ..model.store import Row, new_sid, now
from ..webhooks import post_callback

__all__ = [
    "create_transcription",
    "finish_transcription",
    "has_work_left",
    "recording_path",
    "transcription_path",
]

TRANSCRIBE_SECONDS = 10.0

TRANSCRIBE_MAX_SECONDS = 120


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
    return emu.begin(transcription, parent=recording.sid, extra=extra)


async def finish_transcription(emu: Emulator, transcription_sid: str) -> None:
    """Complete (or fail) a transcription after its delay and POST its callback (its lifecycle's ``run``).

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


def has_work_left(row: Row) -> bool:
    """Tell whether a transcription found at a restart still has a step to take (its lifecycle's ``pending``).

    :param row: a stored transcription.
    """
    pending_callback = row.extra.get("callback") and not row.extra.get("callback_done")
    return row.record.status is TranscriptionStatus.IN_PROGRESS or bool(pending_callback)
