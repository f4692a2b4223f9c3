"""Pins ``hooks/downloads.py``: the mode of a downloaded file (the rest of downloading is pinned in
``test_hook_methods.py`` and, against hostile servers, in ``test_hostile_servers.py``)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

from .fakes import API, RECORDING_SID

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(28)
MEDIA = f"{API}/Recordings/{RECORDING_SID}.wav"


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask the test changes."""
    before = os.umask(0o022)
    os.umask(before)
    yield
    os.umask(before)


def _download(hook: Twilio2008Hook, httpserver: HTTPServer, target: Path) -> int:
    httpserver.expect_request(MEDIA, method="GET").respond_with_data(WAV, content_type="audio/x-wav")
    return hook.download_recording(RECORDING_SID, target)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600), (0o027, 0o640)])
def test_a_new_file_gets_the_mode_the_umask_gives(
    umask: None, hook: Twilio2008Hook, httpserver: HTTPServer, tmp_path: Path, mask: int, mode: int
) -> None:
    os.umask(mask)
    target = tmp_path / "voicemail.wav"

    assert _download(hook, httpserver, target) == len(WAV)

    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert os.umask(mask) == mask, "reading the umask must leave it as it was"


def test_a_replaced_file_keeps_its_mode(
    umask: None, hook: Twilio2008Hook, httpserver: HTTPServer, tmp_path: Path
) -> None:
    os.umask(0o022)
    target = tmp_path / "voicemail.wav"
    target.write_bytes(b"old")
    target.chmod(0o660)

    _download(hook, httpserver, target)

    assert target.read_bytes() == WAV
    assert stat.S_IMODE(target.stat().st_mode) == 0o660
