"""``api/media.py``: how long a complete recording body must be, on the emulator's real WAV and MP3."""

from __future__ import annotations

import pytest

from airflow_provider_twilio2008.api.media import (
    CONTENT_LENGTH,
    RIFF_SIZE,
    Shortfall,
    declared_content_length,
    riff_declared_length,
    shortfall,
)
from airflow_provider_twilio2008.emulator.telephony.audio import mp3_bytes, wav_bytes

#: Five seconds of the emulator's 8 kHz 16-bit mono WAV: 80,000 bytes of samples and a 44-byte header.
WAV = wav_bytes(5.0)
HALF = len(WAV) // 2
MP3 = mp3_bytes(5.0)


def check(body: bytes, content_length: int | None, *, received: int | None = None) -> Shortfall | None:
    """Apply the rule to ``body`` as it arrived, unencoded, with ``content_length`` announced.

    :param body: the bytes that arrived.
    :param content_length: the ``Content-Length`` sent, or ``None`` for none.
    :param received: the bytes read from the wire, when not ``len(body)``.
    """
    return shortfall(
        content_length=None if content_length is None else str(content_length),
        received=len(body) if received is None else received,
        head=body[:8],
        decoded=len(body),
    )


def test_the_emulator_wav_declares_its_own_length() -> None:
    assert len(WAV) == 80_044
    assert riff_declared_length(WAV[:8]) == len(WAV) == riff_declared_length(WAV)


def test_a_complete_wav_is_complete_with_or_without_a_content_length() -> None:
    assert check(WAV, len(WAV)) is None
    assert check(WAV, None) is None


def test_a_wav_cut_before_its_content_length_is_short_by_the_content_length() -> None:
    found = check(WAV[:HALF], len(WAV))
    assert found == Shortfall(40_022, 80_044, CONTENT_LENGTH)
    assert str(found) == "40022 of 80044 bytes (its Content-Length)"


@pytest.mark.parametrize(
    "content_length", [HALF, None], ids=["consistent-content-length", "no-content-length"]
)
def test_a_wav_cut_with_a_consistent_or_no_content_length_is_short_by_its_riff_size(
    content_length: int | None,
) -> None:
    found = check(WAV[:HALF], content_length)
    assert found == Shortfall(40_022, 80_044, RIFF_SIZE)
    assert str(found) == "40022 of 80044 bytes (the size its RIFF header declares)"


def test_a_compressed_wav_is_held_to_its_content_length_on_the_wire_and_its_riff_size_decoded() -> None:
    # 30,000 bytes of gzip arrived whole, but they inflate to only half the WAV.
    whole_wire = shortfall(content_length="30000", received=30_000, head=WAV[:8], decoded=HALF)
    assert whole_wire == Shortfall(HALF, len(WAV), RIFF_SIZE)
    assert shortfall(content_length="30000", received=29_999, head=WAV[:8], decoded=len(WAV)) == Shortfall(
        29_999, 30_000, CONTENT_LENGTH
    )


def test_an_mp3_declares_no_length_of_its_own_so_only_its_content_length_counts() -> None:
    assert riff_declared_length(MP3[:8]) is None
    assert check(MP3, len(MP3)) is None
    assert check(MP3[:100], 100) is None, "an MP3 cut with a consistent Content-Length cannot be told"
    assert check(MP3[:100], len(MP3)) == Shortfall(100, len(MP3), CONTENT_LENGTH)
    assert check(MP3[:100], None) is None


def test_a_body_longer_than_its_riff_size_is_not_refused() -> None:
    assert check(WAV + b"LIST\x04\x00\x00\x00INFO", None) is None


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"RIFF",
        b"RIFF\x00\x00\x00",
        b"RIFF\x00\x00\x00\x00WAVE",
        b"RIFF\xff\xff\xff\xffWAVE",
        b"riff\x10\x00\x00\x00",
    ],
    ids=["empty", "tag-only", "size-cut", "size-zero", "size-unknown", "lower-case-tag"],
)
def test_a_head_that_declares_no_length_requires_none(head: bytes) -> None:
    assert riff_declared_length(head) is None
    assert shortfall(content_length=None, received=len(head), head=head, decoded=len(head)) is None


@pytest.mark.parametrize(
    ("value", "length"),
    [
        ("80044", 80_044),
        (" 80044 ", 80_044),
        ("0", 0),
        (None, None),
        ("", None),
        ("-1", None),
        ("+5", None),
        ("1, 2", None),
        ("\u0665", None),
        ("5e3", None),
    ],
)
def test_only_ascii_digits_announce_a_content_length(value: str | None, length: int | None) -> None:
    assert declared_content_length(value) == length
