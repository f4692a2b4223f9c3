"""The TwiML 2008-08-01 voice verbs and nouns as frozen dataclasses, and the error for invalid TwiML.

Defaults are those of reference section 6.1; :mod:`.parse` builds these from a document and
:mod:`.run` executes them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DEFAULT_WAIT_URL",
    "DOCUMENT_PARSE_FAILURE",
    "DTMF_KEYS",
    "TRANSCRIBE_MAX_LENGTH",
    "Conference",
    "Dial",
    "Gather",
    "Hangup",
    "Number",
    "Pause",
    "Play",
    "Record",
    "Redirect",
    "Say",
    "Sms",
    "TwimlError",
    "Verb",
]

#: Notification code of a document that is not valid TwiML (reference 2.2, "memory, not verified").
DOCUMENT_PARSE_FAILURE = 12100
#: Longest recording that is transcribed, in seconds.
TRANSCRIBE_MAX_LENGTH = 120
DEFAULT_WAIT_URL = "http://twimlets.com/holdmusic?Bucket=com.twilio.music.classical"
#: The telephone keys.
DTMF_KEYS = frozenset("0123456789#*")


class TwimlError(ValueError):
    """A document that is not valid TwiML 2008-08-01 (Notification code 12100).

    :param message: what is wrong, with the line number when known.
    """

    code = DOCUMENT_PARSE_FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Say:
    """Speak ``text``.

    :param text: the words, whitespace collapsed.
    :param voice: ``man`` or ``woman``.
    :param language: ``en``, ``es``, ``fr`` or ``de``.
    :param loop: times to repeat (0 = until hang-up).
    """

    text: str
    voice: str = "man"
    language: str = "en"
    loop: int = 1


@dataclass(frozen=True)
class Play:
    """Play the audio at ``url`` (relative URLs kept as written).

    :param url: the audio URL.
    :param loop: times to repeat (0 = forever).
    """

    url: str
    loop: int = 1


@dataclass(frozen=True)
class Pause:
    """Wait silently.

    :param length: seconds.
    """

    length: int = 1


@dataclass(frozen=True)
class Gather:
    """Collect keys, playing the nested prompts meanwhile.

    :param action: URL receiving ``Digits`` (``None`` = the current document).
    :param method: ``GET`` or ``POST``.
    :param timeout: seconds to wait for input.
    :param finish_on_key: the key ending input (``""`` = none).
    :param num_digits: keys to collect (``None`` = unlimited).
    :param prompts: nested ``<Say>``, ``<Play>`` and ``<Pause>``.
    """

    action: str | None = None
    method: str = "POST"
    timeout: int = 5
    finish_on_key: str = "#"
    num_digits: int | None = None
    prompts: tuple[Say | Play | Pause, ...] = ()


@dataclass(frozen=True)
class Record:
    """Record the caller.

    :param action: URL receiving ``RecordingUrl``, ``Duration``, ``Digits`` (``None`` = current).
    :param method: ``GET`` or ``POST``.
    :param timeout: seconds of silence ending the recording.
    :param finish_on_key: keys ending the recording.
    :param max_length: longest recording in seconds, as written (see :attr:`limit`).
    :param transcribe: whether to transcribe.
    :param transcribe_callback: URL POSTed with the transcription.
    :param play_beep: whether a beep starts the recording.
    """

    action: str | None = None
    method: str = "POST"
    timeout: int = 5
    finish_on_key: str = "1234567890*#"
    max_length: int = 3600
    transcribe: bool = False
    transcribe_callback: str | None = None
    play_beep: bool = True

    @property
    def transcribing(self) -> bool:
        """Return whether a transcription is made (``transcribe`` or a callback given)."""
        return self.transcribe or self.transcribe_callback is not None

    @property
    def limit(self) -> int:
        """Return the effective maximum length: at most 120 s when transcribing."""
        return min(self.max_length, TRANSCRIBE_MAX_LENGTH) if self.transcribing else self.max_length


@dataclass(frozen=True)
class Number:
    """A number noun of ``<Dial>`` (plain number text becomes one as well).

    :param number: the phone number as written.
    :param send_digits: DTMF to play after answer (``w`` = wait 0.5 s).
    :param url: TwiML run on the callee's side before bridging (parsed, not run).
    """

    number: str
    send_digits: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Conference:
    """A conference room noun of ``<Dial>``.

    :param name: the room name.
    :param muted: whether the caller may only listen.
    :param beep: whether entering and leaving beeps.
    :param start_conference_on_enter: whether this caller starts the conference.
    :param end_conference_on_exit: whether leaving ends it for everyone.
    :param wait_url: hold music TwiML URL (``""`` = silence).
    :param wait_method: ``GET`` or ``POST``.
    """

    name: str
    muted: bool = False
    beep: bool = True
    start_conference_on_enter: bool = True
    end_conference_on_exit: bool = False
    wait_url: str = DEFAULT_WAIT_URL
    wait_method: str = "POST"


@dataclass(frozen=True)
class Dial:
    """Connect the caller to other numbers or to a conference.

    :param numbers: numbers ringing together (empty when dialling a conference).
    :param conference: the room, or ``None``.
    :param action: URL receiving ``DialStatus``; ``None`` = go on with the next verb.
    :param method: ``GET`` or ``POST``.
    :param timeout: seconds to ring.
    :param hangup_on_star: whether ``*`` ends the bridged leg.
    :param time_limit: longest bridged call in seconds.
    :param caller_id: the caller ID shown to the callee (``None`` = the caller's).
    """

    numbers: tuple[Number, ...] = ()
    conference: Conference | None = None
    action: str | None = None
    method: str = "POST"
    timeout: int = 30
    hangup_on_star: bool = False
    time_limit: int = 14400
    caller_id: str | None = None


@dataclass(frozen=True)
class Sms:
    """Send an SMS during the call.

    :param text: the message.
    :param to: recipient (``None`` = the default of reference 6.1).
    :param from_: sender (``None`` = the default of reference 6.1).
    :param action: URL receiving ``SmsSid``/``SmsStatus``; ``None`` = go on.
    :param method: ``GET`` or ``POST``.
    :param status_callback: URL POSTed with the final status.
    """

    text: str
    to: str | None = None
    from_: str | None = None
    action: str | None = None
    method: str = "POST"
    status_callback: str | None = None


@dataclass(frozen=True)
class Redirect:
    """Continue with the TwiML at ``url``.

    :param url: absolute or relative URL.
    :param method: ``GET`` or ``POST``.
    """

    url: str
    method: str = "POST"


@dataclass(frozen=True)
class Hangup:
    """End the call."""


Verb = Say | Play | Gather | Record | Dial | Sms | Redirect | Pause | Hangup
