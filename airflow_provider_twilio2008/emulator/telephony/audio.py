"""Make the emulator's recording media: a WAV with a quiet tone and a silent MP3 of a given length.

Both are deterministic: the same length always gives the same bytes, so ETags and tests are
stable.

* WAV (``audio/x-wav``): mono, 16-bit little-endian PCM, 8 kHz by default; a 440 Hz tone at
  about -20 dBFS, with 20 ms fades so it starts and stops without clicks. A person playing a
  recording in the inbox page hears that something was recorded.
* MP3 (``audio/mpeg``): MPEG-1 Layer III, 32 kHz, 32 kbit/s, mono, no CRC, no padding. At that
  rate every frame is exactly ``144 * 32000 / 32000 = 144`` bytes and lasts ``1152 / 32000 =
  0.036`` s. Each frame is a valid 4-byte header, 17 bytes of zeroed side information
  (``main_data_begin`` = 0, ``part2_3_length`` = 0, ``global_gain`` = 0: nothing to decode,
  i.e. silence) and 123 zero bytes of main data. The frame count is the length rounded to the
  nearest frame, at least one (an empty file is not audio). There is no ID3 tag and no
  Xing/Info frame: for a constant bit rate players compute the duration from the file size.
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array

__all__ = [
    "MP3_FRAME_BYTES",
    "MP3_FRAME_HEADER",
    "MP3_SAMPLES_PER_FRAME",
    "MP3_SAMPLE_RATE",
    "mp3_bytes",
    "mp3_frame_count",
    "wav_bytes",
]

TONE_HZ = 440.0
#: Peak amplitude of the tone: 10 % of full scale (about -20 dBFS), quiet but audible.
TONE_AMPLITUDE = 3277
FADE_SECONDS = 0.02

MP3_SAMPLE_RATE = 32000
MP3_BITRATE = 32000
MP3_SAMPLES_PER_FRAME = 1152
MP3_FRAME_BYTES = 144 * MP3_BITRATE // MP3_SAMPLE_RATE
#: sync (11 bits) | MPEG-1 (11) | Layer III (01) | no CRC (1) / bitrate index 1 (32 kbit/s) |
#: sample rate index 2 (32 kHz) | no padding | private 0 / mono (11) | mode ext 0 | not
#: copyrighted | original | no emphasis.
MP3_FRAME_HEADER = bytes((0xFF, 0xFB, 0x18, 0xC4))
MP3_SIDE_INFO_BYTES = 17


def _check_seconds(seconds: float) -> float:
    seconds = float(seconds)
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
    return seconds


def wav_bytes(seconds: float, *, sample_rate: int = 8000) -> bytes:
    """Return a mono 16-bit PCM WAV file of ``seconds`` holding a quiet 440 Hz tone.

    :param seconds: the length; the frame count is ``round(seconds * sample_rate)``.
    :param sample_rate: samples per second (8000 suits telephone audio).
    """
    seconds = _check_seconds(seconds)
    if sample_rate <= 0:
        raise ValueError(f"sample_rate must be positive, got {sample_rate!r}")
    frames = round(seconds * sample_rate)
    fade = max(1, round(FADE_SECONDS * sample_rate))
    step = 2 * math.pi * TONE_HZ / sample_rate
    samples = array("h", bytes(2 * frames))
    for index in range(frames):
        envelope = min(1.0, (index + 1) / fade, (frames - index) / fade)
        samples[index] = round(TONE_AMPLITUDE * envelope * math.sin(step * index))
    if sys.byteorder == "big":
        samples.byteswap()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(sample_rate)
        writer.writeframes(samples.tobytes())
    return buffer.getvalue()


def mp3_frame_count(seconds: float) -> int:
    """Return the number of 36 ms frames :func:`mp3_bytes` writes for ``seconds``.

    :param seconds: the wanted length.
    """
    seconds = _check_seconds(seconds)
    return max(1, round(seconds * MP3_SAMPLE_RATE / MP3_SAMPLES_PER_FRAME))


def mp3_bytes(seconds: float) -> bytes:
    """Return a silent MPEG-1 Layer III stream of about ``seconds`` (nearest 36 ms frame).

    :param seconds: the wanted length.
    """
    padding = bytes(MP3_FRAME_BYTES - len(MP3_FRAME_HEADER))
    return (MP3_FRAME_HEADER + padding) * mp3_frame_count(seconds)
