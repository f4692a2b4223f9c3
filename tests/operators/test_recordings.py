"""``DownloadRecordingOperator`` saves a real emulator recording to paths, directories and object storage."""

from __future__ import annotations

import io
import json
import re
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from airflow.sdk.exceptions import AirflowFailException

from airflow_provider_twilio2008.api.errors import Twilio2008TransportError, Twilio2008ValidationError
from airflow_provider_twilio2008.emulator.telephony.audio import wav_bytes
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook
from airflow_provider_twilio2008.operators.recordings import DownloadRecordingOperator
from tests.helpers import run_dag_source

pytestmark = pytest.mark.twilio2008_time_scale(200)

PERSON = "4155550134"
WAV_MAGIC = b"RIFF"
MP3_MAGIC = b"\xff\xfb"
#: A rule that changes nothing but counts every REST request the emulator receives.
COUNTER = {"kind": "latency", "latency_ms": 0, "count": 1_000_000}


@pytest.fixture
def recording_sid(twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the default connection at the emulator, record one answer, and return its SID."""
    twilio2008_emulator.set_connection_env(monkeypatch)
    url = f"{twilio2008_emulator.base_url}/twiml/say-and-record?transcribe=false"
    with Twilio2008Hook() as hook:
        call = hook.make_call(PERSON, None, url)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            recording = next(iter(hook.list_recordings(call.sid)), None)
            if recording is not None:
                return recording.sid
            time.sleep(0.05)
    raise AssertionError("the call made no recording")


def attach_memory_store(monkeypatch: pytest.MonkeyPatch, fs: Any) -> Any:
    """Make ``memory://`` paths use ``fs`` for the test (as a provider registers ``s3://``)."""
    from airflow.sdk.io import store

    monkeypatch.setitem(store._STORE_CACHE, "memory", store.ObjectStore("memory", None, fs=fs))
    return fs


@pytest.fixture
def memory_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An in-memory object store of its own, at ``memory://``."""
    from fsspec.implementations.memory import MemoryFileSystem

    yield attach_memory_store(monkeypatch, MemoryFileSystem(global_store=False, skip_instance_cache=True))


def connect(emulator: Any, monkeypatch: pytest.MonkeyPatch, *, retries: int, host: str | None = None) -> None:
    """Point the default connection at ``host`` (the emulator by default) with ``retries`` re-tries.

    :param emulator: the emulator, whose account the connection uses.
    :param monkeypatch: the test's monkeypatch.
    :param retries: the connection's ``retries`` extra.
    :param host: the base URL, when not the emulator's.
    """
    connection = {
        "conn_type": "twilio2008",
        "host": host or emulator.base_url,
        "login": emulator.account_sid,
        "password": emulator.auth_token,
        "extra": {"retries": retries, "timeout": 5},
    }
    monkeypatch.setenv("AIRFLOW_CONN_TWILIO2008_DEFAULT", json.dumps(connection))


def download(**kwargs: Any) -> str:
    """Run the operator's ``execute`` as a task would, outside a DAG run."""
    return DownloadRecordingOperator(task_id="download", **kwargs).execute(context={})


def rest_requests(emulator: Any) -> int:
    """Return how many REST requests the counting rule has seen."""
    (rule,) = [rule for rule in emulator.control("GET", "faults")["rules"] if rule["kind"] == "latency"]
    return COUNTER["count"] - rule["count"]


def test_downloads_to_a_local_path_and_returns_it(recording_sid: str, tmp_path: Path) -> None:
    target = tmp_path / "calls" / "answer.wav"
    assert download(recording_sid=recording_sid, destination=str(target)) == str(target)
    assert target.read_bytes()[:4] == WAV_MAGIC and target.stat().st_size > 44
    assert [p.name for p in target.parent.iterdir()] == ["answer.wav"], "no temporary file is left"


def test_a_relative_path_is_returned_absolute(
    recording_sid: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert download(recording_sid=recording_sid, destination="answer.mp3", fmt="mp3") == str(
        tmp_path / "answer.mp3"
    )
    assert (tmp_path / "answer.mp3").read_bytes()[:2] == MP3_MAGIC


def test_a_directory_gets_a_file_named_after_the_recording(recording_sid: str, tmp_path: Path) -> None:
    assert download(recording_sid=recording_sid, destination=tmp_path) == str(
        tmp_path / f"{recording_sid}.wav"
    )
    new_dir = tmp_path / "not" / "yet"
    saved = download(recording_sid=recording_sid, destination=f"{new_dir}/", fmt="MP3")
    assert saved == str(new_dir / f"{recording_sid}.mp3")
    assert Path(saved).read_bytes()[:2] == MP3_MAGIC


def test_downloads_to_a_file_url_and_an_object_storage_path(recording_sid: str, tmp_path: Path) -> None:
    from airflow.sdk import ObjectStoragePath

    url = f"file://{tmp_path}/answer.wav"
    assert download(recording_sid=recording_sid, destination=url) == url
    assert (tmp_path / "answer.wav").read_bytes()[:4] == WAV_MAGIC

    saved = download(
        recording_sid=recording_sid, destination=ObjectStoragePath(f"file://{tmp_path}"), fmt="mp3"
    )
    assert saved == f"file://{tmp_path}/{recording_sid}.mp3"
    assert (tmp_path / f"{recording_sid}.mp3").read_bytes()[:2] == MP3_MAGIC
    dir_url = f"file://{tmp_path}/by-url/"
    assert download(recording_sid=recording_sid, destination=dir_url) == f"{dir_url}{recording_sid}.wav"
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(
        ["answer.wav", f"{recording_sid}.mp3", "by-url", f"{recording_sid}.wav"]
    ), "no temporary file is left"


def test_streams_to_object_storage(recording_sid: str, memory_store: Any, tmp_path: Path) -> None:
    assert download(recording_sid=recording_sid, destination="memory://bucket/audio/") == (
        f"memory://bucket/audio/{recording_sid}.wav"
    )
    local = Twilio2008Hook().download_recording(recording_sid, tmp_path / "local.wav")
    stored = memory_store.cat_file(f"/bucket/audio/{recording_sid}.wav")
    assert stored[:4] == WAV_MAGIC and len(stored) == local


@pytest.mark.parametrize("kind", ["truncate", "cut"])
def test_a_failed_download_leaves_no_object_and_keeps_an_existing_one(
    recording_sid: str,
    memory_store: Any,
    twilio2008_emulator: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    connect(twilio2008_emulator, monkeypatch, retries=0)
    twilio2008_emulator.add_fault(kind, count=2, method="GET", path=r"/Recordings/RE[0-9a-f]+\.wav$")
    with pytest.raises(Twilio2008TransportError):
        download(recording_sid=recording_sid, destination="memory://bucket/new.wav")
    assert not memory_store.exists("/bucket/new.wav")

    memory_store.pipe_file("/bucket/old.wav", b"the previous copy")
    with pytest.raises(Twilio2008TransportError):
        download(recording_sid=recording_sid, destination="memory://bucket/old.wav")
    assert memory_store.cat_file("/bucket/old.wav") == b"the previous copy"

    local = tmp_path / "answer.wav"
    twilio2008_emulator.add_fault(kind, count=1, method="GET", path=r"\.wav$")
    with pytest.raises(Twilio2008TransportError):
        download(recording_sid=recording_sid, destination=f"file://{local}")
    assert list(tmp_path.iterdir()) == []


def test_where_the_file_system_ignores_transactions_a_new_partial_object_is_deleted(
    recording_sid: str, twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fsspec.implementations.memory import MemoryFileSystem

    class WriteThroughFileSystem(MemoryFileSystem):
        """Writes every file at once, whatever transaction is open (as some file systems do)."""

        @property
        def _intrans(self) -> bool:
            return False

        @_intrans.setter
        def _intrans(self, value: bool) -> None:
            pass

    fs = attach_memory_store(
        monkeypatch, WriteThroughFileSystem(global_store=False, skip_instance_cache=True)
    )
    twilio2008_emulator.add_fault("truncate", count=1, method="GET", path=r"\.wav$")
    with pytest.raises(Twilio2008TransportError):
        download(recording_sid=recording_sid, destination="memory://bucket/new.wav")
    assert not fs.exists("/bucket/new.wav")
    assert download(recording_sid=recording_sid, destination="memory://bucket/new.wav")
    assert fs.cat_file("/bucket/new.wav")[:4] == WAV_MAGIC, "the file system does write"


#: Five seconds of the emulator's WAV (80,044 bytes: a 44-byte header, whose RIFF size says so).
FIVE_SECONDS = wav_bytes(5.0)
HALF = len(FIVE_SECONDS) // 2
SERVED_SID = "RE" + "5" * 32
#: How a server cuts the audio in half (what it announces, how the body ends), and what the error says.
CUTS = {
    # The full Content-Length, then the connection closes: the HTTP library sees the body end early.
    "closed-before-content-length": (
        f"Content-Length: {len(FIVE_SECONDS)}",
        "(its Content-Length): answer cut short: the connection closed before the whole body came back",
    ),
    # A Content-Length that matches the cut body: only the RIFF header tells it is half a WAV.
    "consistent-content-length": (f"Content-Length: {HALF}", "(the size its RIFF header declares)"),
    # No length at all, the body ends when the connection closes: again only the RIFF header tells.
    "no-content-length": ("Connection: close", "(the size its RIFF header declares)"),
}


class _CuttingHandler(socketserver.StreamRequestHandler):
    """Read a request's head, answer with the server's ``answer`` and close the connection."""

    server: _CuttingServer

    def handle(self) -> None:
        request_line = self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        self.server.request_lines.append(request_line.decode("latin-1").strip())
        self.wfile.write(self.server.answer)
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)


class _CuttingServer(socketserver.ThreadingTCPServer):
    """A loopback server that answers every request with the same bytes, then closes the connection."""

    daemon_threads = True
    request_lines: list[str]
    answer: bytes


@pytest.fixture
def cutting_server() -> Iterator[_CuttingServer]:
    """A loopback HTTP server; set its ``answer`` to the raw bytes it should send."""
    server = _CuttingServer(("127.0.0.1", 0), _CuttingHandler)
    server.request_lines = []
    server.answer = b""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("cut", list(CUTS))
def test_half_a_wav_from_a_server_is_an_error_naming_the_bytes_and_leaves_no_file(
    twilio2008_emulator: Any,
    cutting_server: _CuttingServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    cut: str,
) -> None:
    announced, why = CUTS[cut]
    head = f"HTTP/1.1 200 OK\r\nContent-Type: audio/x-wav\r\n{announced}\r\n\r\n".encode()
    cutting_server.answer = head + FIVE_SECONDS[:HALF]
    host, port = cutting_server.server_address[:2]
    connect(twilio2008_emulator, monkeypatch, retries=1, host=f"http://{host}:{port}")
    target = tmp_path / "calls" / "answer.wav"
    message = f"recording {SERVED_SID}: download cut short, 40022 of 80044 bytes {why}"
    message += " (each of 2 attempts was cut)"

    with pytest.raises(Twilio2008TransportError, match=f"{re.escape(message)}$"):
        download(recording_sid=SERVED_SID, destination=str(target))

    path = f"/2008-08-01/Accounts/{twilio2008_emulator.account_sid}/Recordings/{SERVED_SID}.wav"
    assert cutting_server.request_lines == [f"GET {path} HTTP/1.1"] * 2, "a cut download is fetched again"
    assert list(target.parent.iterdir()) == [], "no file and no temporary file"


@pytest.mark.parametrize("kind", ["truncate", "cut"])
def test_a_dag_run_whose_recording_arrives_cut_fails_and_leaves_no_file(
    airflow_db: None,
    recording_sid: str,
    twilio2008_emulator: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    kind: str,
) -> None:
    whole = Twilio2008Hook().download_recording(recording_sid, io.BytesIO())
    connect(twilio2008_emulator, monkeypatch, retries=0)
    twilio2008_emulator.add_fault(kind, count=1, method="GET", path=r"\.wav$")
    out = tmp_path / "out"
    run = run_dag_source(
        RECORDING_DAG,
        "twilio2008_download_recording",
        tmp_path / "dags",
        monkeypatch,
        {"recording_sid": recording_sid, "folder": str(out), "fmt": "wav"},
    )
    (ti,) = run.get_task_instances()
    assert str(ti.state) == "failed"
    logged = "".join(capfd.readouterr())
    assert f"recording {recording_sid}: download cut short, {whole // 2} of {whole} bytes" in logged
    assert not (out / "download" / f"{recording_sid}.wav").exists()
    assert [p for p in out.rglob("*") if p.is_file()] == [], "no partial or temporary file"


def test_a_cut_download_is_fetched_again_within_the_connection_retries(
    recording_sid: str, twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    whole = io.BytesIO()
    Twilio2008Hook().download_recording(recording_sid, whole)
    connect(twilio2008_emulator, monkeypatch, retries=1)
    target = tmp_path / "answer.wav"
    twilio2008_emulator.add_fault("cut", count=1, method="GET", path=r"\.wav$")
    assert download(recording_sid=recording_sid, destination=str(target)) == str(target)
    assert target.read_bytes() == whole.getvalue()

    twilio2008_emulator.add_fault("cut", count=2, method="GET", path=r"\.wav$")
    with pytest.raises(
        Twilio2008TransportError, match=r"download cut short, .* \(each of 2 attempts was cut\)$"
    ):
        download(recording_sid=recording_sid, destination=str(target))
    assert target.read_bytes() == whole.getvalue(), "the earlier copy is kept"
    assert [p.name for p in tmp_path.iterdir()] == ["answer.wav"]


@pytest.mark.parametrize(
    ("kwargs", "field", "accepted"),
    [
        ({"fmt": "ogg"}, "fmt", "one of wav, mp3"),
        ({"fmt": None}, "fmt", "one of wav, mp3"),
        ({"recording_sid": "CA" + "0" * 32}, "recording_sid", "a recording SID"),
        ({"destination": " "}, "destination", "a local path, or an object storage URL"),
        ({"destination": 42}, "destination", "a local path, or an object storage URL"),
        ({"destination": "/tmp/x\x00/y.wav"}, "destination", "a local path, or an object storage URL"),
        ({"destination": "/tmp/x\ud800.wav"}, "destination", "a local path, or an object storage URL"),
        ({"destination": "file:///tmp/x\x00.wav"}, "destination", "a local path, or an object storage URL"),
    ],
)
def test_bad_input_is_refused_before_any_request(
    recording_sid: str,
    twilio2008_emulator: Any,
    tmp_path: Path,
    kwargs: dict[str, Any],
    field: str,
    accepted: str,
) -> None:
    twilio2008_emulator.add_fault(**COUNTER)
    arguments = {"recording_sid": recording_sid, "destination": str(tmp_path / "x.wav"), **kwargs}
    with pytest.raises(AirflowFailException) as caught:  # bad input is not retried
        download(**arguments)
    cause = caught.value.__cause__
    assert isinstance(cause, Twilio2008ValidationError)
    assert cause.field == field and accepted in str(caught.value)
    assert rest_requests(twilio2008_emulator) == 0
    assert list(tmp_path.iterdir()) == []
    Twilio2008Hook().get_recording(recording_sid)
    assert rest_requests(twilio2008_emulator) == 1, "the counter sees requests"


RECORDING_DAG = """
import pendulum
from airflow.sdk import DAG

from airflow_provider_twilio2008.operators.recordings import DownloadRecordingOperator

with DAG(
    "twilio2008_download_recording",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    params={"recording_sid": "", "folder": "", "fmt": "wav"},
):
    DownloadRecordingOperator(
        task_id="download",
        recording_sid="{{ params.recording_sid }}",
        destination="file://{{ params.folder }}/{{ ti.task_id }}/",
        fmt="{{ params.fmt }}",
    )
"""


def test_a_dag_run_renders_the_fields_and_returns_the_url_as_xcom(
    airflow_db: None, recording_sid: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    run = run_dag_source(
        RECORDING_DAG,
        "twilio2008_download_recording",
        tmp_path / "dags",
        monkeypatch,
        {"recording_sid": recording_sid, "folder": str(out), "fmt": "mp3"},
    )
    (ti,) = run.get_task_instances()
    assert str(ti.state) == "success"
    assert ti.xcom_pull(task_ids="download") == f"file://{out}/download/{recording_sid}.mp3"
    assert (out / "download" / f"{recording_sid}.mp3").read_bytes()[:2] == MP3_MAGIC


def test_the_operator_needs_no_connection_and_no_transport_library_at_parse_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_TWILIO2008_DEFAULT", raising=False)
    operator = DownloadRecordingOperator(
        task_id="download", recording_sid="{{ params.sid }}", destination="s3://bucket/{{ ds }}/"
    )
    assert operator.template_fields == ("recording_sid", "destination", "fmt", "twilio_conn_id")
    code = (
        "import sys; from airflow.sdk import BaseOperator; before = set(sys.modules);"
        "from airflow_provider_twilio2008.operators.recordings import DownloadRecordingOperator;"
        "DownloadRecordingOperator(task_id='d', recording_sid='RE' + '0' * 32, destination='s3://b/k/');"
        "new = set(sys.modules) - before;"
        "print(sorted(m for m in new if m.split('.')[0] in ('requests', 'httpx', 'lxml', 'fsspec', 'upath')"
        " or m.startswith(('airflow_provider_twilio2008.hooks', 'airflow_provider_twilio2008.triggers'))));"
        "print(sorted(m for m in ('requests', 'lxml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "[]"]
