"""Recording media: real WAV files with a tone, and silent MP3 streams with valid frame headers."""

from __future__ import annotations

import io
import math
import wave
from array import array

import pytest

from airflow_provider_twilio2008.emulator.telephony.audio import mp3_bytes, mp3_frame_count, wav_bytes

# MPEG-1 Layer III tables (ISO/IEC 11172-3), indexed by the header fields.
MPEG1_L3_BITRATES = [None, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, None]
MPEG1_SAMPLE_RATES = [44100, 48000, 32000, None]


def _wav_samples(data: bytes) -> tuple[wave.Wave_read, array]:
    reader = wave.open(io.BytesIO(data), "rb")
    samples = array("h", reader.readframes(reader.getnframes()))
    return reader, samples


@pytest.mark.parametrize(("seconds", "rate"), [(2.0, 8000), (0.5, 8000), (1.25, 16000), (0.0, 8000)])
def test_wav_has_exact_length_and_format(seconds: float, rate: int) -> None:
    reader, samples = _wav_samples(wav_bytes(seconds, sample_rate=rate))
    assert reader.getnchannels() == 1
    assert reader.getsampwidth() == 2
    assert reader.getframerate() == rate
    assert reader.getnframes() == round(seconds * rate) == len(samples)
    assert reader.getnframes() / reader.getframerate() == pytest.approx(seconds)


def test_wav_header_is_riff_pcm() -> None:
    data = wav_bytes(1)
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert int.from_bytes(data[4:8], "little") == len(data) - 8
    assert int.from_bytes(data[20:22], "little") == 1  # PCM


def test_wav_holds_a_quiet_audible_tone() -> None:
    _, samples = _wav_samples(wav_bytes(1.0))
    peak = max(abs(sample) for sample in samples)
    rms = math.sqrt(sum(sample * sample for sample in samples) / len(samples))
    assert 1000 < peak < 8000  # audible, well below full scale (32767)
    assert rms > 1500
    # a tone, not noise: 440 Hz at 8 kHz crosses zero about 880 times a second
    crossings = sum(1 for a, b in zip(samples[:-1], samples[1:], strict=True) if (a < 0) != (b < 0))
    assert 850 <= crossings <= 900


def test_wav_fades_in_and_out() -> None:
    _, samples = _wav_samples(wav_bytes(1.0))
    assert abs(samples[0]) < 50 and abs(samples[-1]) < 50


def test_wav_is_deterministic() -> None:
    assert wav_bytes(3.5) == wav_bytes(3.5)


@pytest.mark.parametrize("bad", [-1, math.nan, math.inf])
def test_wav_refuses_bad_length(bad: float) -> None:
    with pytest.raises(ValueError):
        wav_bytes(bad)


def _walk_frames(data: bytes) -> list[dict[str, int]]:
    """Decode every frame header by hand and step through the stream by frame length."""
    frames = []
    offset = 0
    while offset < len(data):
        header = int.from_bytes(data[offset : offset + 4], "big")
        assert header >> 21 == 0x7FF, f"no frame sync at byte {offset}"
        fields = {
            "version": (header >> 19) & 0b11,
            "layer": (header >> 17) & 0b11,
            "protection_absent": (header >> 16) & 1,
            "bitrate": MPEG1_L3_BITRATES[(header >> 12) & 0xF],
            "sample_rate": MPEG1_SAMPLE_RATES[(header >> 10) & 0b11],
            "padding": (header >> 9) & 1,
            "channel_mode": (header >> 6) & 0b11,
            "emphasis": header & 0b11,
        }
        length = 144 * fields["bitrate"] * 1000 // fields["sample_rate"] + fields["padding"]
        fields["length"] = length
        fields["offset"] = offset
        frames.append(fields)
        offset += length
    assert offset == len(data), "stream does not end on a frame boundary"
    return frames


@pytest.mark.parametrize("seconds", [0.036, 1.0, 3.0, 60.0])
def test_mp3_frames_are_valid_mpeg1_layer3(seconds: float) -> None:
    data = mp3_bytes(seconds)
    frames = _walk_frames(data)
    for frame in frames:
        assert frame["version"] == 0b11  # MPEG-1
        assert frame["layer"] == 0b01  # Layer III
        assert frame["protection_absent"] == 1
        assert (frame["bitrate"], frame["sample_rate"]) == (32, 32000)
        assert frame["channel_mode"] == 0b11  # mono
        assert frame["emphasis"] == 0
        assert frame["length"] == 144
        side_info = data[frame["offset"] + 4 : frame["offset"] + 4 + 17]
        assert side_info == bytes(17)  # main_data_begin, part2_3_length, global_gain all zero


@pytest.mark.parametrize(("seconds", "frames"), [(1.0, 28), (3.0, 83), (60.0, 1667), (0.0, 1), (0.01, 1)])
def test_mp3_duration_arithmetic(seconds: float, frames: int) -> None:
    data = mp3_bytes(seconds)
    assert mp3_frame_count(seconds) == frames
    assert len(_walk_frames(data)) == frames
    duration = frames * 1152 / 32000
    assert abs(duration - max(seconds, 0.036)) <= 0.018  # nearest frame (half of 36 ms)
    # a constant-bit-rate player estimates the duration from the size: 32 kbit/s = 4000 bytes/s
    assert len(data) / 4000 == pytest.approx(duration)


def test_mp3_is_deterministic_and_refuses_bad_length() -> None:
    assert mp3_bytes(2) == mp3_bytes(2)
    with pytest.raises(ValueError):
        mp3_bytes(-0.5)
