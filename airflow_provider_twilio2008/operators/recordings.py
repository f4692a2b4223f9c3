"""``DownloadRecordingOperator``: save a recording's audio to a local file or to object storage.

Nothing heavy is imported at DAG parse time: the hook (``requests``, ``lxml``), the protocol
core and ``ObjectStoragePath`` (fsspec) are imported when the task runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

from ..api.config import DEFAULT_CONN_ID
from ..task_hook import Twilio2008TaskMixin

if TYPE_CHECKING:
    from airflow.sdk import Context, ObjectStoragePath

    from ..hooks.twilio2008 import Twilio2008Hook

__all__ = ["DownloadRecordingOperator"]

#: ``ObjectStoragePath`` protocols that are this machine's own file system.
_LOCAL_PROTOCOLS = ("", "file", "local")
_DESTINATION_FORMS = (
    "a local path, or an object storage URL or ObjectStoragePath (file://, s3://, gs://, ...); "
    "ending with '/' or naming a directory to save <recording_sid>.<fmt> in it"
)


class DownloadRecordingOperator(Twilio2008TaskMixin, BaseOperator):
    """Download a recording's audio (``GET /Recordings/{RecordingSid}.wav|.mp3``) and save it.

    ``destination`` is a local path, or an object storage URL or
    :class:`~airflow.sdk.ObjectStoragePath` (``file://``, ``s3://``, ``gs://``...; a connection
    can be named as in ``s3://aws_conn@bucket/key``); a string without a scheme is a local path.
    When it ends with ``/`` or names an existing directory, the audio is saved in it as
    ``<recording_sid>.<fmt>``. Missing local parent directories are created, as object
    storage needs none.

    A failed download leaves nothing half-written: a local file is written to a temporary name
    and renamed when complete (an existing file stays intact until then), and ``file://`` URLs
    get the same treatment. For other object storage the audio is streamed inside an fsspec
    transaction, so file systems that support one (s3fs, gcsfs, ...) never publish a partial
    object; where the file system ignores transactions, an object that did not exist before is
    deleted again.

    A recording that arrives cut short (fewer bytes than its ``Content-Length`` or, for a WAV,
    than the size its RIFF header declares) is never saved: the task fails with
    :class:`~airflow_provider_twilio2008.api.errors.Twilio2008TransportError` naming the
    recording and the bytes received and expected, which task retries try again. A local
    destination is first downloaded again within the connection's ``retries``.

    Returns the saved file's path (absolute) or URL, as a string, for downstream tasks.

    :param recording_sid: the recording SID (``RE...``).
    :param destination: where to save the audio (see above).
    :param fmt: ``wav`` (audio/x-wav, the original) or ``mp3`` (audio/mpeg).
    :param twilio_conn_id: the ``twilio2008`` connection.
    """

    template_fields: Sequence[str] = ("recording_sid", "destination", "fmt", "twilio_conn_id")
    ui_color = "#f22f46"

    def __init__(
        self,
        *,
        recording_sid: str,
        destination: str | os.PathLike[str] | ObjectStoragePath,
        fmt: str = "wav",
        twilio_conn_id: str = DEFAULT_CONN_ID,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.recording_sid = recording_sid
        self.destination = destination
        self.fmt = fmt
        self.twilio_conn_id = twilio_conn_id

    def execute(self, context: Context) -> str:
        """Check the input, download the audio, save it, and return where it was saved.

        A local validation error fails the task at once (no retry can fix it).

        :param context: the task context.
        """
        with self.running():
            return self._execute(context)

    def _execute(self, context: Context) -> str:
        from ..api import operations as ops

        hook = self.hook
        # Builds the very request the hook will send, which checks the SID and the format;
        # nothing is sent yet (reading the connection is local).
        ops.recording_media(hook.account_sid, self.recording_sid, self.fmt)
        fmt = self.fmt.strip().lower()
        local, remote, shown = self._target(fmt)
        if local is not None:
            local.parent.mkdir(parents=True, exist_ok=True)
            size = hook.download_recording(self.recording_sid, local, fmt)
        else:
            assert remote is not None
            size = self._stream(hook, remote, fmt)
        self.log.info("Saved recording %s (%s, %d bytes) to %s", self.recording_sid, fmt, size, shown)
        return shown

    def _target(self, fmt: str) -> tuple[Path | None, ObjectStoragePath | None, str]:
        """Resolve ``destination`` to a local file or an object, and the string to return.

        :param fmt: the checked format, for the file name inside a directory.
        :return: ``(local_path, None, shown)`` or ``(None, object_path, shown)``.
        """
        from airflow.sdk import ObjectStoragePath

        from ..api.errors import Twilio2008ValidationError

        raw = self.destination
        name = f"{self.recording_sid}.{fmt}"
        if isinstance(raw, str) and not raw.strip():
            raise Twilio2008ValidationError("destination", "missing", _DESTINATION_FORMS)
        # \udc80-\udcff stay allowed: they are how Python spells a non-UTF-8 byte of a file name.
        if isinstance(raw, str) and re.search("[\x00\ud800-\udc7f\udd00-\udfff]", raw):
            problem = "holds a NUL or a lone surrogate, which no file or object path can"
            raise Twilio2008ValidationError("destination", problem, _DESTINATION_FORMS)
        if isinstance(raw, ObjectStoragePath) or (isinstance(raw, str) and "://" in raw):
            target = raw if isinstance(raw, ObjectStoragePath) else ObjectStoragePath(raw)
            slash = isinstance(raw, str) and raw.endswith("/")
            if target.protocol in _LOCAL_PROTOCOLS:
                if slash or Path(target.path).is_dir():
                    target = target / name
                return Path(target.path), None, str(target)
            # Ask the file system Airflow resolved for the path (its connection), the one that
            # will write: the path's own exists()/is_dir() may consult a default one.
            if slash or target.fs.isdir(target.path):
                target = target / name
            return None, target, str(target)
        if not isinstance(raw, str | os.PathLike):
            raise Twilio2008ValidationError("destination", f"got {type(raw).__name__}", _DESTINATION_FORMS)
        text = os.fspath(raw)
        local = Path(text)
        if text.endswith(("/", os.sep)) or local.is_dir():
            local = local / name
        local = Path(os.path.abspath(local))
        return local, None, str(local)

    def _stream(self, hook: Twilio2008Hook, target: ObjectStoragePath, fmt: str) -> int:
        """Stream the audio into an object, publishing it only if the download completes.

        :param hook: the open hook.
        :param target: the object to write.
        :param fmt: the checked format.
        :return: the number of bytes written.
        """
        fs = target.fs
        existed = fs.exists(target.path)
        # Join a transaction the caller already opened rather than ending it early.
        transaction = nullcontext() if getattr(fs, "_intrans", False) else fs.transaction
        try:
            with transaction, target.open("wb") as out:
                return hook.download_recording(self.recording_sid, out, fmt)
        except BaseException:
            if not existed:
                self._remove(target)
            raise

    def _remove(self, target: ObjectStoragePath) -> None:
        """Delete what a failed download may have left at ``target`` (best effort)."""
        fs = target.fs
        try:
            if fs.exists(target.path):
                fs.rm_file(target.path)
                self.log.warning("Deleted the partial download at %s", target)
        except Exception as exc:
            self.log.warning("Could not delete a possible partial download at %s: %s", target, exc)
