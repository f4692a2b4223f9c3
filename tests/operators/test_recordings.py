"""``DownloadRecordingOperator`` saves a real emulator recording to paths, directories and object storage."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_twilio2008.api.errors import Twilio2008TransportError, Twilio2008ValidationError
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


def test_a_failed_download_leaves_no_object_and_keeps_an_existing_one(
    recording_sid: str, memory_store: Any, twilio2008_emulator: Any, tmp_path: Path
) -> None:
    twilio2008_emulator.add_fault("truncate", count=2, method="GET", path=r"/Recordings/RE[0-9a-f]+\.wav$")
    with pytest.raises(Twilio2008TransportError):
        download(recording_sid=recording_sid, destination="memory://bucket/new.wav")
    assert not memory_store.exists("/bucket/new.wav")

    memory_store.pipe_file("/bucket/old.wav", b"the previous copy")
    with pytest.raises(Twilio2008TransportError):
        download(recording_sid=recording_sid, destination="memory://bucket/old.wav")
    assert memory_store.cat_file("/bucket/old.wav") == b"the previous copy"

    local = tmp_path / "answer.wav"
    twilio2008_emulator.add_fault("truncate", count=1, method="GET", path=r"\.wav$")
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
    with pytest.raises(Twilio2008ValidationError) as caught:
        download(**arguments)
    assert caught.value.field == field and accepted in str(caught.value)
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
