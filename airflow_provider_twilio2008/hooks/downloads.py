"""Stream a recording (or any media answer) from a :class:`~.transport.Transport` to a file.

A path is written atomically (a temporary file beside it, renamed over it once the whole body
arrived), with the mode a new file of the process gets (``0o666`` less the umask: a task on
another worker, running as another user of the same group, can read what this one downloaded)
or, when it replaces a file, that file's mode; a device, a pipe or an open file object is
written into directly. Each download runs under its attempt's :class:`~.watchdog.Watch`, whose
deadline the received bytes extend (see
:meth:`~airflow_provider_twilio2008.api.exchange.Deadline.credit`), and a body cut short of its
declared length is fetched again where nothing of it was kept.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

import requests
from urllib3.exceptions import HTTPError as Urllib3Error

from ..api import exchange, media
from ..api.errors import Twilio2008ResponseError, Twilio2008TransportError
from ..api.exchange import MAX_MEDIA_BYTES, BodyDecoder, BodyRefused, deadline_failure
from ..api.operations import ApiRequest
from .failures import cut_short, stalled
from .watchdog import Watch

if TYPE_CHECKING:
    from .transport import Transport

_CHUNK = 64 * 1024


@dataclass
class Stream:
    """A streamed 2xx answer left open for :func:`download`: the response and its watch.

    :param response: the answer, its body not read yet.
    :param watch: the attempt's watch, finished when the stream closes.
    :param one_shot: the one-shot session that carried a ``fresh`` attempt, closed with it.
    """

    response: requests.Response
    watch: Watch
    one_shot: requests.Session | None

    def close(self) -> None:
        """Close the response (and its one-shot session) and stop watching."""
        try:
            self.response.close()
        finally:
            self.watch.finish()
            if self.one_shot is not None:
                self.one_shot.close()


def download(
    transport: Transport,
    request: ApiRequest,
    destination: str | os.PathLike[str] | IO[bytes],
    *,
    max_bytes: int = MAX_MEDIA_BYTES,
    label: str = "recording",
) -> int:
    """Stream a media answer to a path (written atomically) or a binary file object.

    A path receives a temporary file beside it, renamed over it only once the whole
    recording arrived: a failed or refused download leaves no partial file and an earlier
    file intact. A device or pipe is written into directly, and so is a file object (which
    may then hold part of the audio when the download fails).

    A body that ends short of its length (its ``Content-Length``, or for a WAV the size its
    RIFF header declares: :func:`~airflow_provider_twilio2008.api.media.shortfall`), or
    whose connection closes mid-body, is cut. To a path it is then downloaded again from
    the start, within the connection's ``retries`` and with the back-off of any retried
    GET, since nothing of the cut copy was kept; into a file object, device or pipe, which
    already took the first bytes, it is not. The last cut raises
    :class:`Twilio2008TransportError`, which a task retry may try again like any other
    transport failure. A download stopped by its deadline or a stall is not fetched again.

    :param transport: the transport that sends the request (its retries, log and redaction).
    :param request: the media request.
    :param destination: a file path, or an open binary file object.
    :param max_bytes: the most bytes accepted (default :data:`~..api.exchange.MAX_MEDIA_BYTES`,
        enough for the longest recording); a larger answer is refused.
    :param label: how errors name what is downloaded (the hook passes ``recording RE...``).
    :return: the number of bytes written.
    :raises Twilio2008TransportError: the body was cut (the error names ``label``, the bytes
        received and the bytes expected), or no answer came.
    :raises Twilio2008ResponseError: the body was refused (too large, an encoding not asked for).
    """
    with transport.redactor.guard():
        attempt = 0
        while True:
            try:
                return _download_once(transport, request, destination, max_bytes, label)
            except Cut as cut:
                if attempt >= transport.policy.retries:
                    raise cut.error(attempt + 1) from None
                delay = transport.policy.delay(attempt)
                again = (
                    f"fetching it again: retry {attempt + 1} of {transport.policy.retries} in {delay:.1f} s"
                )
                transport.log.warning("%s", transport.redactor.text(f"{cut.error(1)}; {again}"))
                transport.sleep(delay)
                attempt += 1


def _download_once(
    transport: Transport,
    request: ApiRequest,
    destination: str | os.PathLike[str] | IO[bytes],
    max_bytes: int,
    label: str,
) -> int:
    """Send the media request (with the exchange's retries) and stream its body to ``destination`` once.

    :param transport: the transport that sends the request.
    :param request: the media request.
    :param destination: a file path, or an open binary file object.
    :param max_bytes: the most bytes accepted.
    :param label: how errors name what is downloaded.
    :raises Cut: the body was cut on its way to a temporary file, which is gone again.
    """
    stream: Stream = transport.run(exchange.exchange(request, transport.policy, stream=True)).handle
    try:
        if hasattr(destination, "write"):
            return _copy_whole(transport, stream, destination, request, max_bytes, label)  # type: ignore[arg-type]
        target = Path(destination)
        if target.exists() and not target.is_file():
            # A device, FIFO or socket (/dev/stdout, a named pipe): write into it. Replacing
            # it atomically would swap the device for a regular file (as root: /dev/null).
            with target.open("wb") as out:
                return _copy_whole(transport, stream, out, request, max_bytes, label)
        mode = _file_mode(target)
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
        try:
            with os.fdopen(handle, "wb") as out:
                written = _copy(transport, stream, out, request, max_bytes, label)
            os.chmod(temp_name, mode)  # mkstemp's 0o600 is for the file while it is incomplete
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return written
    finally:
        stream.close()


def _file_mode(target: Path) -> int:
    """Return the mode the downloaded file gets: the replaced file's, or a new file's under the umask.

    :param target: the file written.
    """
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """Return the process umask without changing it (Linux's ``/proc``; elsewhere set and restored)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    current = os.umask(0o077)
    os.umask(current)
    return current


def _copy_whole(
    transport: Transport, stream: Stream, out: IO[bytes], request: ApiRequest, max_bytes: int, label: str
) -> int:
    """:func:`_copy` into what cannot take back what it was given: a cut is final.

    :param transport: the transport that sent the request.
    :param stream: the open 2xx answer.
    :param out: where the decoded bytes go.
    :param request: the media request, for errors.
    :param max_bytes: the most decoded bytes accepted.
    :param label: how errors name what is downloaded.
    """
    try:
        return _copy(transport, stream, out, request, max_bytes, label)
    except Cut as cut:
        raise cut.error(1) from None


def _copy(
    transport: Transport, stream: Stream, out: IO[bytes], request: ApiRequest, max_bytes: int, label: str
) -> int:
    """Copy the decoded media to ``out`` within ``max_bytes`` and the attempt's deadline.

    :param transport: the transport that sent the request.
    :param stream: the open 2xx answer.
    :param out: where the decoded bytes go.
    :param request: the media request, for errors.
    :param max_bytes: the most decoded bytes accepted.
    :param label: how errors name what is downloaded.
    :raises Cut: the body ended short of its length, or its connection closed mid-body.
    """
    response, watch = stream.response, stream.watch
    content_length = response.headers.get("Content-Length")
    received = written = 0
    head = b""

    def keep(piece: bytes) -> None:
        nonlocal written, head
        if len(head) < media.RIFF_HEADER_BYTES:
            head += piece[: media.RIFF_HEADER_BYTES - len(head)]
        out.write(piece)
        written += len(piece)

    try:
        decoder = BodyDecoder(response.headers.get("Content-Encoding", ""), max_bytes, what="recording")
        announced = media.declared_content_length(content_length)
        if not decoder.encoding and announced is not None and announced > max_bytes:
            raise BodyRefused(f"recording of {announced} bytes exceeds the {max_bytes}-byte limit; refused")
        for chunk in response.raw.stream(_CHUNK, decode_content=False):
            received += len(chunk)
            watch.deadline.credit(len(chunk))
            for piece in decoder.feed(chunk):
                keep(piece)
        if watch.fired:  # a body read to "the end" the deadline made
            raise Urllib3Error("the deadline shut the connection down")
        for piece in decoder.finish():
            keep(piece)
    except BodyRefused as refused:
        detail = f"{refused.reason} (after {written} bytes)"
        if refused.malformed:  # a compressed body cut short or damaged: worth fetching again
            raise Cut(Twilio2008ResponseError, detail, request) from None
        raise Twilio2008ResponseError(detail, method=request.method, path=request.path) from None
    except (requests.RequestException, Urllib3Error) as exc:
        transport.log_failure(request, exc)
        why = _download_failure(watch, exc, transport.config.timeout)
        if watch.fired or stalled(exc):  # the deadline or a stall: not fetched again at once
            raise Twilio2008TransportError(
                f"{label}: download interrupted after {written} bytes: {why}",
                method=request.method,
                path=request.path,
            ) from None
        found = media.shortfall(
            content_length=content_length,
            received=max(received, response.raw.tell()),
            head=head,
            decoded=written,
        )
        short = f"cut short, {found}" if found else f"interrupted after {written} bytes"
        raise Cut(Twilio2008TransportError, f"{label}: download {short}: {why}", request) from None
    found = media.shortfall(content_length=content_length, received=received, head=head, decoded=written)
    if found is not None:
        raise Cut(Twilio2008TransportError, f"{label}: download cut short, {found}", request)
    return written


class Cut(Exception):
    """A download's body was cut (:func:`download` may fetch it again).

    :param kind: the error to raise if it is not fetched again.
    :param detail: what happened, naming the recording and the bytes received and expected.
    :param request: the media request.
    """

    def __init__(
        self, kind: type[Twilio2008TransportError | Twilio2008ResponseError], detail: str, request: ApiRequest
    ) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.request = request

    def error(self, attempts: int) -> Twilio2008TransportError | Twilio2008ResponseError:
        """Return the error to raise after ``attempts`` downloads that were each cut.

        :param attempts: how many downloads were tried.
        """
        tries = f" (each of {attempts} attempts was cut)" if attempts > 1 else ""
        return self.kind(f"{self.detail}{tries}", method=self.request.method, path=self.request.path)


def _download_failure(watch: Watch, exc: Exception, timeout: float) -> str:
    """Word why a download stopped: its deadline, a stall or a cut.

    :param watch: the attempt's watch.
    :param exc: what the library raised.
    :param timeout: the configured timeout.
    """
    if watch.fired:
        return deadline_failure(timeout, sent=True).detail
    return cut_short(exc, timeout).detail
