"""Recording, transcription and notification methods of the hook."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..api import operations as ops
from ..api import paths
from ..api.errors import Twilio2008ValidationError
from ..api.operations import DateLike
from ..api.records import (
    Notification,
    NotificationLog,
    Recording,
    Transcription,
)
from ._methods import ResourceMethods


class MediaMethods(ResourceMethods):
    """Recording, transcription and notification methods of ``Twilio2008Hook``."""

    def list_recordings(
        self,
        call_sid: str | None = None,
        *,
        created_on: DateLike | None = None,
        created_after: DateLike | None = None,
        created_before: DateLike | None = None,
        page_size: int = paths.DEFAULT_PAGE_SIZE,
    ) -> Iterator[Recording]:
        """Iterate over recordings, optionally of one call (``GET /Recordings?CallSid=``).

        :param call_sid: only recordings made during this call.
        :param created_on: only recordings created on this date (``DateCreated``, inferred filter).
        :param created_after: created on or after this date.
        :param created_before: created on or before this date.
        :param page_size: records per request, 1-1000.
        """
        request = ops.list_recordings(
            self.account_sid,
            call_sid=call_sid,
            created_on=created_on,
            created_after=created_after,
            created_before=created_before,
            page_size=page_size,
        )
        return self.transport.iterate(request)

    def get_recording(self, recording_sid: str) -> Recording:
        """Fetch a recording's metadata (``GET /Recordings/{RecordingSid}.xml``).

        :param recording_sid: the recording SID (``RE...``).
        """
        return self.transport.record(ops.get_recording(self.account_sid, recording_sid))

    def download_recording(
        self, recording_sid: str, destination: str | os.PathLike[str] | IO[bytes], fmt: str = "wav"
    ) -> int:
        """Stream a recording's audio to a path (written atomically) or a binary file object.

        :param recording_sid: the recording SID.
        :param destination: a file path, or a binary file object open for writing.
        :param fmt: ``wav`` (audio/x-wav) or ``mp3`` (audio/mpeg).
        :return: the number of bytes written.
        :raises Twilio2008ValidationError: a malformed SID or format, or a ``destination`` that
            cannot be written (no such folder, a directory, a NUL in the path), before any request.
        :raises Twilio2008TransportError: the audio arrived cut short (fewer bytes than its
            ``Content-Length`` or, for a WAV, than its RIFF header declares) on every attempt; the
            error names the recording and the bytes received and expected, and a path is left
            as it was. To a path a cut download is fetched again within the connection's
            ``retries``; a task retry may try again too.
        """
        request = ops.recording_media(self.account_sid, recording_sid, fmt)
        if not hasattr(destination, "write"):
            _check_destination(destination)
        return self.transport.download(request, destination, label=f"recording {recording_sid}")

    def delete_recording(self, recording_sid: str) -> None:
        """Delete a recording (``DELETE /Recordings/{RecordingSid}``).

        :param recording_sid: the recording SID.
        """
        self.transport.no_content(ops.delete_recording(self.account_sid, recording_sid))

    def list_transcriptions(
        self, recording_sid: str | None = None, *, page_size: int = paths.DEFAULT_PAGE_SIZE
    ) -> Iterator[Transcription]:
        """Iterate over transcriptions of the account, or of one recording.

        :param recording_sid: only transcriptions of this recording.
        :param page_size: records fetched per request, 1-1000 (``num``).
        """
        request = ops.list_transcriptions(self.account_sid, recording_sid=recording_sid, page_size=page_size)
        return self.transport.iterate(request)

    def get_transcription(self, transcription_sid: str, recording_sid: str | None = None) -> Transcription:
        """Fetch a transcription.

        :param transcription_sid: the transcription SID (``TR...``).
        :param recording_sid: its recording, to use the documented nested URI.
        """
        return self.transport.record(
            ops.get_transcription(self.account_sid, transcription_sid, recording_sid)
        )

    def get_transcription_text(self, transcription_sid: str, recording_sid: str | None = None) -> str:
        """Fetch only a transcription's text (the ``.txt`` representation).

        :param transcription_sid: the transcription SID.
        :param recording_sid: its recording, to use the documented nested URI.
        """
        return self.transport.text(ops.transcription_text(self.account_sid, transcription_sid, recording_sid))

    def list_notifications(
        self,
        call_sid: str | None = None,
        *,
        log: NotificationLog | int | str | None = None,
        created_on: DateLike | None = None,
        created_after: DateLike | None = None,
        created_before: DateLike | None = None,
        page_size: int = paths.DEFAULT_PAGE_SIZE,
    ) -> Iterator[Notification]:
        """Iterate over notifications of the account, or of one call.

        :param call_sid: only notifications of this call (``/Calls/{CallSid}/Notifications``).
        :param log: only errors (0, ``"error"``) or warnings (1, ``"warning"``).
        :param created_on: only those generated on this date (``MessageDate``).
        :param created_after: generated on or after this date.
        :param created_before: generated on or before this date.
        :param page_size: records per request, 1-1000.
        """
        request = ops.list_notifications(
            self.account_sid,
            call_sid=call_sid,
            log=log,
            created_on=created_on,
            created_after=created_after,
            created_before=created_before,
            page_size=page_size,
        )
        return self.transport.iterate(request)

    def get_notification(self, notification_sid: str) -> Notification:
        """Fetch one notification, with the request and response that caused it.

        :param notification_sid: the notification SID (``NO...``).
        """
        return self.transport.record(ops.get_notification(self.account_sid, notification_sid))

    def delete_notification(self, notification_sid: str) -> None:
        """Delete one notification.

        :param notification_sid: the notification SID.
        """
        self.transport.no_content(ops.delete_notification(self.account_sid, notification_sid))


_DESTINATION_FORMS = "a file path in an existing folder, or a binary file object open for writing"


def _check_destination(destination: object) -> None:
    """Refuse, before the download starts, a destination path that could never be written.

    :param destination: what the caller passed as ``destination`` (not a file object).
    """

    def refuse(problem: str) -> Twilio2008ValidationError:
        return Twilio2008ValidationError("destination", problem, _DESTINATION_FORMS)

    if not isinstance(destination, str | os.PathLike):
        raise refuse(f"got {type(destination).__name__}")
    text = os.fspath(destination)
    if not isinstance(text, str) or not text.strip():
        raise refuse("missing" if isinstance(text, str) else "a bytes path")
    try:
        os.fsencode(text)
    except UnicodeEncodeError:
        raise refuse("the path cannot be encoded for this file system (a lone surrogate?)") from None
    if "\x00" in text:
        raise refuse(f"the path contains U+0000 (a control character) at position {text.index(chr(0))}")
    target = Path(text)
    if target.is_dir():
        raise refuse(f"{text[:80]!r} is a directory")
    if not target.parent.is_dir():
        raise refuse(f"the folder {str(target.parent)[:80]!r} does not exist")
