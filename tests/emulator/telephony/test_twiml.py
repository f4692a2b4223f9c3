"""The TwiML 2008-08-01 interpreter: parsing rules, verb semantics, fetch handling and guards.

The calls run against :class:`FakeCall`, a stand-in for the simulated telephone network (the
environment of the interpreter): it serves TwiML from a dict of URL -> response and records
everything the interpreter asks of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from airflow_provider_twilio2008.emulator.telephony.twiml import (
    DEFAULT_WAIT_URL,
    DIAL_CALLER_ID_INVALID,
    MAX_DOCUMENTS,
    MAX_TWIML_BYTES,
    CallContext,
    Conference,
    Dial,
    FetchError,
    FetchResult,
    Gather,
    Hangup,
    Number,
    Outcome,
    Pause,
    Play,
    Record,
    Redirect,
    Say,
    Sms,
    TwimlError,
    parse_twiml,
    run_twiml,
    run_url,
)

BASE = "http://app.example.com/voice/start.xml"


def doc(inner: str, version: str = "") -> bytes:
    return f"<Response{version}>{inner}</Response>".encode()


@dataclass
class FakeCall:
    """The simulated network for one call; records every request made of it."""

    pages: dict[str, bytes | FetchResult | FetchError] = field(default_factory=dict)
    digits: list[str] = field(default_factory=list)
    record_lengths: list[int] = field(default_factory=list)
    dial_statuses: dict[str, str] = field(default_factory=dict)
    sms_status: str = "sending"
    redirects: dict[int, tuple[str, str]] = field(default_factory=dict)
    refused_caller_ids: set[str] = field(default_factory=set)
    log: list[tuple] = field(default_factory=list)
    clock: float = 0.0
    checks: int = 0

    def calls(self, name: str) -> list[tuple]:
        return [entry[1:] for entry in self.log if entry[0] == name]

    async def fetch(self, url: str, method: str, params: dict[str, str]) -> FetchResult:
        self.log.append(("fetch", url, method, params))
        page = self.pages.get(url)
        if page is None:
            return FetchResult(404, "text/html", b"<h1>Not Found</h1>")
        if isinstance(page, FetchError):
            raise page
        if isinstance(page, FetchResult):
            return page
        return FetchResult(200, "text/xml; charset=utf-8", page)

    async def elapse(self, seconds: float) -> None:
        self.clock += seconds

    def digits_for_gather(self, num_digits: int | None, finish_on_key: str) -> str:
        self.log.append(("gather", num_digits, finish_on_key))
        return self.digits.pop(0) if self.digits else ""

    def record_length(self, max_length: int) -> int:
        self.log.append(("record_length", max_length))
        return self.record_lengths.pop(0) if self.record_lengths else 0

    async def create_recording(self, duration: int) -> tuple[str, str]:
        number = len(self.calls("create_recording")) + 1
        self.log.append(("create_recording", duration))
        return f"RE{number:032x}", f"http://emulator/Recordings/RE{number:032x}"

    async def create_transcription(self, recording_sid: str, duration: int, callback: str | None) -> None:
        self.log.append(("create_transcription", recording_sid, duration, callback))

    async def send_sms(
        self, to: str | None, from_: str | None, body: str, status_callback: str | None
    ) -> tuple[str, str]:
        self.log.append(("send_sms", to, from_, body, status_callback))
        return "SM" + "0" * 31 + "1", self.sms_status

    async def dial(self, number: str, *, timeout: int, caller_id: str | None, time_limit: int) -> str:
        self.log.append(("dial", number, timeout, caller_id, time_limit))
        return self.dial_statuses.get(number, "answered")

    def caller_id_allowed(self, caller_id: str) -> bool:
        self.log.append(("caller_id_allowed", caller_id))
        return caller_id not in self.refused_caller_ids

    async def join_conference(
        self, name: str, *, muted: bool, beep: bool, start_on_enter: bool, end_on_exit: bool
    ) -> None:
        self.log.append(("join_conference", name, muted, beep, start_on_enter, end_on_exit))

    async def notify_error(
        self,
        code: int,
        message: str,
        *,
        url: str,
        method: str,
        request_vars: str,
        response_headers: str,
        response_body: str,
    ) -> None:
        self.log.append(
            ("notify_error", code, message, url, method, request_vars, response_headers, response_body)
        )

    def redirect_requested(self) -> tuple[str, str] | None:
        self.checks += 1
        return self.redirects.pop(self.checks, None)


async def run(body: bytes, ctx: FakeCall, url: str = BASE) -> Outcome:
    context: CallContext = ctx  # the fake must satisfy the protocol (checked by type checkers)
    return await run_twiml(parse_twiml(body), context, url)


# ---------------------------------------------------------------------------------------------
# Parsing: defaults and attributes
# ---------------------------------------------------------------------------------------------


def test_every_verb_parses_with_documented_defaults() -> None:
    verbs = parse_twiml(
        doc(
            "<Say>Hello   world</Say><Play>http://a/b.mp3</Play><Pause/>"
            "<Gather><Say>Press</Say><Play>x.wav</Play><Pause/></Gather>"
            "<Record/><Dial>+14155550134</Dial><Sms>Hi</Sms><Redirect>next.xml</Redirect><Hangup/>",
            ' version="2008-08-01"',
        )
    )
    assert verbs == [
        Say("Hello world", voice="man", language="en", loop=1),
        Play("http://a/b.mp3", loop=1),
        Pause(length=1),
        Gather(
            action=None,
            method="POST",
            timeout=5,
            finish_on_key="#",
            num_digits=None,
            prompts=(Say("Press"), Play("x.wav"), Pause()),
        ),
        Record(
            action=None,
            method="POST",
            timeout=5,
            finish_on_key="1234567890*#",
            max_length=3600,
            transcribe=False,
            transcribe_callback=None,
            play_beep=True,
        ),
        Dial(
            numbers=(Number("+14155550134"),),
            conference=None,
            action=None,
            method="POST",
            timeout=30,
            hangup_on_star=False,
            time_limit=14400,
            caller_id=None,
        ),
        Sms("Hi", to=None, from_=None, action=None, method="POST", status_callback=None),
        Redirect("next.xml", method="POST"),
        Hangup(),
    ]


def test_attributes_are_read_and_converted() -> None:
    verbs = parse_twiml(
        doc(
            '<Say voice="woman" language="fr" loop="0">Bonjour</Say>'
            '<Play loop="3">a.mp3</Play><Pause length="7"/>'
            '<Gather action="g.xml" method="get" timeout="9" finishOnKey="*" numDigits="4"/>'
            '<Record action="r" method="GET" timeout="2" finishOnKey="#*" maxLength="30" '
            'transcribe="True" transcribeCallback="/t" playBeep="false"/>'
            '<Dial action="d" method="GET" timeout="10" hangupOnStar="true" timeLimit="60" '
            'callerId="+14155550100"><Number sendDigits="ww12#" url="/whisper">+1415</Number>'
            "<Number>+1416</Number></Dial>"
            '<Dial><Conference muted="true" beep="false" startConferenceOnEnter="false" '
            'endConferenceOnExit="true" waitUrl="" waitMethod="GET">Room 1</Conference></Dial>'
            '<Sms to="+1555" from="+1666" action="s" method="GET" statusCallback="cb">Yo</Sms>'
            '<Redirect method="GET">http://other/x</Redirect>'
        )
    )
    assert verbs[0] == Say("Bonjour", voice="woman", language="fr", loop=0)
    assert verbs[1] == Play("a.mp3", loop=3)
    assert verbs[2] == Pause(7)
    assert verbs[3] == Gather(action="g.xml", method="GET", timeout=9, finish_on_key="*", num_digits=4)
    assert verbs[4] == Record("r", "GET", 2, "#*", 30, True, "/t", False)
    assert verbs[5] == Dial(
        numbers=(Number("+1415", send_digits="ww12#", url="/whisper"), Number("+1416")),
        action="d",
        method="GET",
        timeout=10,
        hangup_on_star=True,
        time_limit=60,
        caller_id="+14155550100",
    )
    assert verbs[6] == Dial(conference=Conference("Room 1", True, False, False, True, "", "GET"))
    assert verbs[7] == Sms("Yo", to="+1555", from_="+1666", action="s", method="GET", status_callback="cb")
    assert verbs[8] == Redirect("http://other/x", "GET")


def test_conference_defaults_and_empty_finish_key() -> None:
    verbs = parse_twiml(doc('<Dial><Conference>r</Conference></Dial><Gather finishOnKey=""/>'))
    assert verbs[0].conference == Conference("r", False, True, True, False, DEFAULT_WAIT_URL, "POST")
    assert verbs[1].finish_on_key == ""


def test_record_limit_is_120_seconds_when_transcribing() -> None:
    plain, transcribed, callback_only, short = parse_twiml(
        doc(
            '<Record/><Record transcribe="true"/><Record transcribeCallback="/t"/>'
            '<Record maxLength="60" transcribe="true"/>'
        )
    )
    assert (plain.limit, transcribed.limit, callback_only.limit, short.limit) == (3600, 120, 120, 60)


def test_comments_and_whitespace_are_ignored() -> None:
    body = b'<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <!-- hi -->\n  <Hangup/>\n</Response>\n'
    assert parse_twiml(body) == [Hangup()]


def test_empty_response_is_valid() -> None:
    assert parse_twiml(b"<Response/>") == []


# ---------------------------------------------------------------------------------------------
# Parsing: refusals
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"<Resp><Hangup/></Resp>", "root element must be <Response>"),
        (b"<response><Hangup/></response>", "root element must be <Response>"),
        (b'<Response xmlns="urn:x"><Hangup/></Response>', "root element must be <Response>"),
        (doc("<Hangup/>", ' version="2010-04-01"'), "version"),
        (doc("<Hangup/>", ' lang="en"'), "unknown attribute 'lang'"),
        (doc("<Reject/>"), "may not contain <Reject>"),
        (doc("<say>hi</say>"), "may not contain <say>"),
        (doc("<Number>+1415</Number>"), "may not contain <Number>"),
        (doc("Hello"), "text outside a verb"),
        (doc("<Hangup/>trailing"), "text outside a verb"),
        (doc('<Gather Action="x"/>'), "unknown attribute 'Action'"),
        (doc('<Say Voice="man">x</Say>'), "unknown attribute 'Voice'"),
        (doc("<Gather><Dial>1</Dial></Gather>"), "may not contain <Dial>"),
        (doc("<Gather><Record/></Gather>"), "may not contain <Record>"),
        (doc("<Gather><Gather/></Gather>"), "may not contain <Gather>"),
        (doc("<Gather><Hangup/></Gather>"), "may not contain <Hangup>"),
        (doc("<Gather>press 1</Gather>"), "may not contain text"),
        (doc("<Record><Say>x</Say></Record>"), "may not contain <Say>"),
        (doc("<Record>text</Record>"), "may not contain text"),
        (doc("<Hangup>now</Hangup>"), "may not contain text"),
        (doc("<Pause><Say>x</Say></Pause>"), "may not contain <Say>"),
        (doc("<Say><Play>x</Play></Say>"), "may not contain <Play>"),
        (doc("<Sms><Say>x</Say></Sms>"), "may not contain <Say>"),
        (doc("<Dial/>"), "needs a number"),
        (doc("<Dial>+1415<Number>+1416</Number></Dial>"), "not both"),
        (doc("<Dial><Number>+1416</Number>+1415</Dial>"), "not both"),
        (doc("<Dial><Say>x</Say></Dial>"), "may not contain <Say>"),
        (doc("<Dial><Conference>a</Conference><Conference>b</Conference></Dial>"), "one <Conference>"),
        (doc("<Dial><Number>1</Number><Conference>a</Conference></Dial>"), "one <Conference>"),
        (doc("<Dial><Number/></Dial>"), "needs text"),
        (doc("<Dial><Conference/></Dial>"), "needs text"),
        (doc("<Dial><Conference><Number>1</Number></Conference></Dial>"), "may not contain <Number>"),
        (doc("<Play/>"), "needs text"),
        (doc('<Gather action=""/>'), "empty"),
        (doc('<Record transcribeCallback=" "/>'), "empty"),
        (doc("<Redirect/>"), "needs text"),
        (doc("<Redirect>javascript:alert(1)</Redirect>"), "not an http(s) URL"),
        (doc("<Play>file:///etc/passwd</Play>"), "not an http(s) URL"),
        (doc('<Gather action="ftp://x/y"/>'), "not an http(s) URL"),
        (doc('<Say voice="robot">x</Say>'), "voice='robot'"),
        (doc('<Say language="it">x</Say>'), "language='it'"),
        (doc('<Say language="EN">x</Say>'), "language='EN'"),
        (doc('<Say loop="-1">x</Say>'), "loop='-1'"),
        (doc('<Play loop="two">x</Play>'), "loop='two'"),
        (doc('<Play loop="\u00b2">x</Play>'), "loop='\u00b2'"),
        (doc('<Play loop="\u0661">x</Play>'), "loop='\u0661'"),
        (doc('<Pause length="1234567890"/>'), "length='1234567890'"),
        (doc('<Pause length="0"/>'), "length='0'"),
        (doc('<Gather method="PUT"/>'), "method='PUT'"),
        (doc('<Gather finishOnKey="##"/>'), "finishOnKey='##'"),
        (doc('<Gather finishOnKey="a"/>'), "finishOnKey='a'"),
        (doc('<Gather numDigits="0"/>'), "numDigits='0'"),
        (doc('<Gather timeout="1.5"/>'), "timeout='1.5'"),
        (doc('<Record finishOnKey="12x"/>'), "finishOnKey='12x'"),
        (doc('<Record transcribe="yes"/>'), "transcribe='yes'"),
        (doc('<Record maxLength="0"/>'), "maxLength='0'"),
        (doc('<Record playBeep="1"/>'), "playBeep='1'"),
        (doc('<Dial hangupOnStar="no">1</Dial>'), "hangupOnStar='no'"),
        (doc('<Dial timeLimit="-5">1</Dial>'), "timeLimit='-5'"),
        (doc('<Dial><Number sendDigits="12p">1</Number></Dial>'), "sendDigits"),
        (doc('<Dial><Conference muted="maybe">a</Conference></Dial>'), "muted='maybe'"),
        (doc('<Dial><Conference waitMethod="HEAD">a</Conference></Dial>'), "waitMethod='HEAD'"),
        (doc('<Sms To="+1">x</Sms>'), "unknown attribute 'To'"),
        (doc('<Redirect method="DELETE">x</Redirect>'), "method='DELETE'"),
        (doc("<Say>" + "a" * 4097 + "</Say>"), "exceeds 4096 bytes"),
        (b"<Response><Say>unclosed</Response>", "not well-formed"),
        (b"", "not well-formed"),
        (b"Hello there", "not well-formed"),
    ],
)
def test_invalid_twiml_is_refused(body: bytes, fragment: str) -> None:
    with pytest.raises(TwimlError) as raised:
        parse_twiml(body)
    assert fragment in raised.value.message
    assert raised.value.code == 12100


def test_error_names_the_line() -> None:
    with pytest.raises(TwimlError, match=r"line 3: <Say>"):
        parse_twiml(b'<Response>\n<Pause/>\n<Say voice="x">hi</Say>\n</Response>')


def test_say_of_exactly_4096_bytes_is_accepted() -> None:
    assert parse_twiml(doc("<Say>" + "a" * 4096 + "</Say>"))[0].text == "a" * 4096


@pytest.mark.parametrize(
    "body",
    [
        b'<!DOCTYPE Response [<!ENTITY x "boom">]><Response><Say>&x;</Say></Response>',
        b'<?xml version="1.0"?><!DOCTYPE Response SYSTEM "http://evil.example/x.dtd"><Response/>',
        b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Response><Say>&xxe;</Say></Response>',
        b'<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><Response><Say>&b;</Say></Response>',
        b"<!doctype Response><Response/>",
    ],
)
def test_hostile_xml_is_refused(body: bytes) -> None:
    with pytest.raises(TwimlError, match="DTD or entities"):
        parse_twiml(body)


def test_undeclared_entity_is_not_expanded() -> None:
    with pytest.raises(TwimlError, match="not well-formed"):
        parse_twiml(b"<Response><Say>&xxe;</Say></Response>")


def test_oversized_document_is_refused_before_parsing() -> None:
    body = doc("<Pause/>" * (MAX_TWIML_BYTES // 8 + 1))
    with pytest.raises(TwimlError, match=f"document is over the {MAX_TWIML_BYTES}-byte limit"):
        parse_twiml(body)


# ---------------------------------------------------------------------------------------------
# Running: simple verbs
# ---------------------------------------------------------------------------------------------


async def test_say_play_pause_spend_simulated_time_and_end_of_document_hangs_up() -> None:
    ctx = FakeCall()
    outcome = await run(
        doc(
            '<Say>ten chars!</Say><Say loop="3">abcde</Say><Say loop="0">abcde</Say>'
            '<Play>a.mp3</Play><Play loop="2">b.mp3</Play><Play loop="0">c</Play><Pause length="4"/>'
        ),
        ctx,
    )
    expected = 10 * 0.08 + 15 * 0.08 + 5 * 0.08 + 5.0 + 10.0 + 5.0 + 4
    assert outcome == Outcome("end", documents=1, seconds=round(expected, 3), document_url=BASE)
    assert ctx.clock == pytest.approx(expected)
    assert ctx.calls("fetch") == []


async def test_hangup_stops_before_later_verbs() -> None:
    ctx = FakeCall()
    outcome = await run(doc("<Hangup/><Sms>never</Sms><Redirect>x</Redirect>"), ctx)
    assert outcome.hung_up_by == "twiml"
    assert ctx.calls("send_sms") == [] and ctx.calls("fetch") == []


async def test_empty_document_hangs_up() -> None:
    outcome = await run(b"<Response/>", FakeCall())
    assert (outcome.hung_up_by, outcome.seconds) == ("end", 0.0)


# ---------------------------------------------------------------------------------------------
# Gather
# ---------------------------------------------------------------------------------------------


async def test_gather_with_digits_posts_them_to_the_current_document_and_continues() -> None:
    ctx = FakeCall(digits=["42"], pages={BASE: doc("<Say>thanks</Say><Hangup/>")})
    outcome = await run(doc("<Gather><Say>Press</Say></Gather><Say>not reached</Say>"), ctx)
    assert ctx.calls("fetch") == [(BASE, "POST", {"Digits": "42"})]
    assert ctx.calls("gather") == [(None, "#")]
    assert outcome.hung_up_by == "twiml" and outcome.documents == 2
    assert outcome.seconds == pytest.approx(5 * 0.08 + 2 * 0.5 + 6 * 0.08)


async def test_gather_resolves_a_relative_action_and_uses_its_method() -> None:
    ctx = FakeCall(digits=["7"], pages={"http://app.example.com/menu/choice": b"<Response/>"})
    outcome = await run(doc('<Gather action="../menu/choice" method="GET"/>'), ctx)
    assert ctx.calls("fetch") == [("http://app.example.com/menu/choice", "GET", {"Digits": "7"})]
    assert outcome.document_url == "http://app.example.com/menu/choice"


async def test_gather_applies_num_digits_and_finish_on_key() -> None:
    pages = {
        "http://app.example.com/voice/a": b"<Response/>",
        "http://app.example.com/voice/b": b"<Response/>",
    }
    ctx = FakeCall(digits=["12345"], pages=pages)
    await run(doc('<Gather action="a" numDigits="3"/>'), ctx)
    ctx2 = FakeCall(digits=["98*7"], pages=pages)
    await run(doc('<Gather action="b" finishOnKey="*"/>'), ctx2)
    assert ctx.calls("fetch")[0][2] == {"Digits": "123"}
    assert ctx.calls("gather") == [(3, "#")]
    assert ctx2.calls("fetch")[0][2] == {"Digits": "98"}


async def test_gather_without_digits_falls_through_to_the_next_verb() -> None:
    ctx = FakeCall(digits=[""])
    outcome = await run(doc('<Gather timeout="8"><Pause length="2"/></Gather><Sms>fallthrough</Sms>'), ctx)
    assert ctx.calls("fetch") == []
    assert ctx.calls("send_sms") == [(None, None, "fallthrough", None)]
    assert outcome.hung_up_by == "end" and outcome.seconds == 10


async def test_gather_finish_key_alone_counts_as_no_input() -> None:
    ctx = FakeCall(digits=["#"])
    outcome = await run(doc("<Gather/>"), ctx)
    assert ctx.calls("fetch") == [] and outcome.hung_up_by == "end"


# ---------------------------------------------------------------------------------------------
# Record
# ---------------------------------------------------------------------------------------------


async def test_record_creates_a_recording_and_posts_it_to_the_action() -> None:
    ctx = FakeCall(record_lengths=[12], pages={"http://app.example.com/voice/saved": doc("<Hangup/>")})
    outcome = await run(doc('<Record action="saved" maxLength="20" timeout="3"/><Say>never</Say>'), ctx)
    assert ctx.calls("record_length") == [(20,)]
    assert ctx.calls("create_recording") == [(12,)]
    assert ctx.calls("create_transcription") == []
    recording_url = "http://emulator/Recordings/RE" + "0" * 31 + "1"
    assert ctx.calls("fetch") == [
        (
            "http://app.example.com/voice/saved",
            "POST",
            {"RecordingUrl": recording_url, "Duration": "12", "Digits": ""},
        )
    ]
    assert outcome.hung_up_by == "twiml"
    assert outcome.seconds == pytest.approx(0.5 + 12 + 3)


async def test_record_defaults_to_current_document_and_skips_beep_when_asked() -> None:
    ctx = FakeCall(record_lengths=[5], pages={BASE: b"<Response/>"})
    outcome = await run(doc('<Record playBeep="false" maxLength="5"/>'), ctx)
    assert ctx.calls("fetch")[0][0:2] == (BASE, "POST")
    assert outcome.seconds == 5  # no beep; reaching maxLength needs no silence timeout


async def test_empty_recording_is_not_submitted_and_twiml_continues() -> None:
    ctx = FakeCall(record_lengths=[0])
    outcome = await run(doc('<Record action="x"/><Say>next</Say>'), ctx)
    assert ctx.calls("create_recording") == [] and ctx.calls("fetch") == []
    assert outcome.hung_up_by == "end"
    assert outcome.seconds == pytest.approx(0.5 + 5 + 4 * 0.08)


async def test_record_with_transcribe_creates_a_transcription_limited_to_120_seconds() -> None:
    ctx = FakeCall(record_lengths=[500], pages={BASE: b"<Response/>"})
    await run(doc('<Record transcribe="true" transcribeCallback="/hooks/transcribed"/>'), ctx)
    assert ctx.calls("record_length") == [(120,)]
    assert ctx.calls("create_recording") == [(120,)]  # the context's answer is clamped to the limit
    assert ctx.calls("create_transcription") == [
        ("RE" + "0" * 31 + "1", 120, "http://app.example.com/hooks/transcribed")
    ]
    assert ctx.calls("fetch")[0][2]["Duration"] == "120"


async def test_record_transcribe_without_callback_passes_none() -> None:
    ctx = FakeCall(record_lengths=[3], pages={BASE: b"<Response/>"})
    await run(doc('<Record transcribe="true"/>'), ctx)
    assert ctx.calls("create_transcription") == [("RE" + "0" * 31 + "1", 3, None)]


# ---------------------------------------------------------------------------------------------
# Dial
# ---------------------------------------------------------------------------------------------


async def test_dial_without_action_continues_with_the_next_verb() -> None:
    ctx = FakeCall(dial_statuses={"+14155550134": "busy"})
    outcome = await run(
        doc("<Dial>\n  +14155550134\n</Dial><Sms>after</Sms>"),
        ctx,
    )
    assert ctx.calls("dial") == [("+14155550134", 30, None, 14400)]
    assert ctx.calls("send_sms") == [(None, None, "after", None)]
    assert outcome.hung_up_by == "end"


async def test_dial_with_action_posts_dial_status_and_never_reaches_later_verbs() -> None:
    ctx = FakeCall(
        dial_statuses={"+14155550134": "no-answer"},
        pages={"http://app.example.com/voice/dialed": doc("<Say>sorry</Say>")},
    )
    outcome = await run(
        doc(
            '<Dial action="dialed" timeout="15" callerId="+14155550100" timeLimit="600">+14155550134</Dial>'
            "<Sms>never</Sms>"
        ),
        ctx,
    )
    assert ctx.calls("dial") == [("+14155550134", 15, "+14155550100", 600)]
    assert ctx.calls("fetch") == [
        ("http://app.example.com/voice/dialed", "POST", {"DialStatus": "no-answer"})
    ]
    assert ctx.calls("send_sms") == []
    assert outcome.hung_up_by == "end" and outcome.documents == 2


async def test_dial_with_a_refused_caller_id_rings_nobody_and_fails_with_13214() -> None:
    dialed = "http://app.example.com/voice/dialed"
    ctx = FakeCall(refused_caller_ids={"+14155550999"}, pages={dialed: doc("<Hangup/>")})
    outcome = await run(
        doc('<Dial action="dialed" callerId="+14155550999"><Number>1</Number><Number>2</Number></Dial>'),
        ctx,
    )
    assert ctx.calls("dial") == [] and ctx.calls("caller_id_allowed") == [("+14155550999",)]
    [(code, message, url, method, *_rest)] = ctx.calls("notify_error")
    assert code == DIAL_CALLER_ID_INVALID == 13214 and "callerId" in message and "+14155550999" in message
    assert url == BASE  # the document holding the <Dial>
    assert ctx.calls("fetch") == [(dialed, "POST", {"DialStatus": "failed"})]
    assert outcome.hung_up_by == "twiml"


async def test_dial_caller_id_is_checked_for_numbers_only() -> None:
    ctx = FakeCall(refused_caller_ids={"+14155550999", ""})
    await run(
        doc('<Dial callerId="+14155550999"><Conference>room</Conference></Dial><Dial callerId="">3</Dial>'),
        ctx,
    )
    assert ctx.calls("caller_id_allowed") == [] and ctx.calls("notify_error") == []
    assert [entry[0] for entry in ctx.calls("dial")] == ["3"] and len(ctx.calls("join_conference")) == 1


async def test_dial_numbers_first_answer_wins() -> None:
    ctx = FakeCall(
        dial_statuses={"1": "busy", "2": "answered", "3": "answered"}, pages={BASE: b"<Response/>"}
    )
    await run(
        doc(f'<Dial action="{BASE}"><Number>1</Number><Number>2</Number><Number>3</Number></Dial>'), ctx
    )
    assert [entry[0] for entry in ctx.calls("dial")] == ["1", "2"]
    assert ctx.calls("fetch")[0][2] == {"DialStatus": "answered"}


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["busy", "busy"], "busy"),
        (["failed", "failed"], "failed"),
        (["busy", "failed"], "no-answer"),
        (["no-answer", "busy"], "no-answer"),
    ],
)
async def test_dial_numbers_unanswered_status_combination(statuses: list[str], expected: str) -> None:
    ctx = FakeCall(dial_statuses={"1": statuses[0], "2": statuses[1]}, pages={BASE: b"<Response/>"})
    await run(doc(f'<Dial action="{BASE}"><Number>1</Number><Number>2</Number></Dial>'), ctx)
    assert ctx.calls("fetch")[0][2] == {"DialStatus": expected}


async def test_dial_conference_joins_the_room_and_reports_answered() -> None:
    ctx = FakeCall(pages={"http://app.example.com/voice/left": b"<Response><Hangup/></Response>"})
    outcome = await run(
        doc(
            '<Dial action="left"><Conference muted="true" endConferenceOnExit="true">Team</Conference></Dial>'
        ),
        ctx,
    )
    assert ctx.calls("join_conference") == [("Team", True, True, True, True)]
    assert ctx.calls("dial") == []
    assert ctx.calls("fetch") == [("http://app.example.com/voice/left", "POST", {"DialStatus": "answered"})]
    assert outcome.hung_up_by == "twiml"


# ---------------------------------------------------------------------------------------------
# Sms
# ---------------------------------------------------------------------------------------------


async def test_sms_with_action_posts_sid_and_status_and_continues_with_its_twiml() -> None:
    ctx = FakeCall(sms_status="invalid", pages={"http://app.example.com/sms/done": doc("<Hangup/>")})
    outcome = await run(
        doc(
            '<Sms to="+15551234567" from="+14155550100" action="/sms/done" method="GET" '
            'statusCallback="status">Your code is 1234</Sms><Say>never</Say>'
        ),
        ctx,
    )
    assert ctx.calls("send_sms") == [
        ("+15551234567", "+14155550100", "Your code is 1234", "http://app.example.com/voice/status")
    ]
    sms_sid = "SM" + "0" * 31 + "1"
    assert ctx.calls("fetch") == [
        ("http://app.example.com/sms/done", "GET", {"SmsSid": sms_sid, "SmsStatus": "invalid"})
    ]
    assert outcome.hung_up_by == "twiml"


# ---------------------------------------------------------------------------------------------
# Redirect
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "method", "url", "expected_method"),
    [
        ("http://elsewhere.example.org/x", "", "http://elsewhere.example.org/x", "POST"),
        ("next.xml", ' method="GET"', "http://app.example.com/voice/next.xml", "GET"),
        ("/root.xml?a=1", "", "http://app.example.com/root.xml?a=1", "POST"),
        ("../up.xml", ' method="post"', "http://app.example.com/up.xml", "POST"),
    ],
)
async def test_redirect_resolves_against_the_current_document(
    target: str, method: str, url: str, expected_method: str
) -> None:
    ctx = FakeCall(pages={url: doc("<Hangup/>")})
    outcome = await run(doc(f"<Redirect{method}>{target}</Redirect><Say>never</Say>"), ctx)
    assert ctx.calls("fetch") == [(url, expected_method, {})]
    assert outcome.hung_up_by == "twiml" and outcome.document_url == url


async def test_relative_urls_resolve_against_the_latest_document() -> None:
    pages = {
        "http://app.example.com/a/one.xml": doc("<Redirect>two.xml</Redirect>"),
        "http://app.example.com/a/two.xml": doc("<Redirect>/b/three.xml</Redirect>"),
        "http://app.example.com/b/three.xml": doc("<Redirect>four.xml</Redirect>"),
        "http://app.example.com/b/four.xml": doc("<Hangup/>"),
    }
    ctx = FakeCall(pages=pages)
    outcome = await run(doc("<Redirect>a/one.xml</Redirect>"), ctx, url="http://app.example.com/start")
    assert [entry[0] for entry in ctx.calls("fetch")] == list(pages)
    assert outcome.documents == 5 and outcome.hung_up_by == "twiml"


# ---------------------------------------------------------------------------------------------
# REST redirect of a live call
# ---------------------------------------------------------------------------------------------


async def test_rest_redirect_is_followed_between_verbs() -> None:
    ctx = FakeCall(
        redirects={2: ("http://rescue.example.com/twiml", "GET")},
        pages={"http://rescue.example.com/twiml": doc("<Hangup/>")},
    )
    outcome = await run(doc("<Say>one</Say><Say>two</Say><Say>three</Say>"), ctx)
    assert ctx.calls("fetch") == [("http://rescue.example.com/twiml", "GET", {})]
    assert outcome.seconds == pytest.approx(3 * 0.08)  # only "one" was spoken
    assert outcome.hung_up_by == "twiml"


async def test_rest_redirect_at_the_end_of_a_document_is_followed() -> None:
    ctx = FakeCall(
        redirects={2: ("http://rescue.example.com/twiml", "POST")},
        pages={"http://rescue.example.com/twiml": doc("<Say>rescued</Say>")},
    )
    outcome = await run(doc("<Pause/>"), ctx)
    assert ctx.calls("fetch") == [("http://rescue.example.com/twiml", "POST", {})]
    assert outcome.hung_up_by == "end" and outcome.documents == 2


# ---------------------------------------------------------------------------------------------
# Responses that are not TwiML, and failures
# ---------------------------------------------------------------------------------------------


async def test_plain_text_response_is_spoken_then_the_call_ends() -> None:
    ctx = FakeCall(pages={BASE: FetchResult(200, "text/plain; charset=utf-8", b"Goodbye now")})
    outcome = await run(doc("<Redirect>start.xml</Redirect><Say>never</Say>"), ctx)
    assert outcome.hung_up_by == "end" and outcome.documents == 2
    assert outcome.seconds == pytest.approx(11 * 0.08)


async def test_audio_response_is_played_then_the_call_ends() -> None:
    ctx = FakeCall(pages={BASE: FetchResult(200, "audio/mpeg", b"\xff\xfb")})
    outcome = await run(doc("<Redirect>start.xml</Redirect>"), ctx)
    assert outcome.hung_up_by == "end" and outcome.seconds == 5.0


@pytest.mark.parametrize(
    "content_type", ["text/xml", "application/xml", "text/html", "TEXT/XML; charset=UTF-8"]
)
async def test_xml_content_types_are_twiml(content_type: str) -> None:
    ctx = FakeCall(pages={BASE: FetchResult(200, content_type, b"<Response><Hangup/></Response>")})
    outcome = await run(doc("<Redirect>start.xml</Redirect>"), ctx)
    assert outcome.hung_up_by == "twiml"


@pytest.mark.parametrize("content_type", ["application/json", "", "image/png"])
async def test_wrong_content_type_fails_the_call_with_12300(content_type: str) -> None:
    ctx = FakeCall(pages={BASE: FetchResult(200, content_type, b'{"say": "hi"}')}, digits=["5"])
    outcome = await run(doc("<Gather/><Say>never</Say>"), ctx)
    assert (outcome.hung_up_by, outcome.error_code) == ("error", 12300)
    [(code, message, url, method, request_vars, headers, body)] = ctx.calls("notify_error")
    assert (code, url, method, request_vars) == (12300, BASE, "POST", "Digits=5")
    assert headers == f"Content-Type: {content_type}"
    assert body == '{"say": "hi"}'
    assert "Content-Type" in message and outcome.error_message == message


async def test_http_error_status_fails_the_call_with_11200() -> None:
    ctx = FakeCall(pages={BASE: FetchResult(502, "text/html", b"<h1>502 Bad Gateway</h1>")})
    outcome = await run(doc("<Redirect>start.xml</Redirect>"), ctx)
    assert (outcome.hung_up_by, outcome.error_code) == ("error", 11200)
    [notification] = ctx.calls("notify_error")
    assert notification[0] == 11200 and "502" in notification[1]
    assert notification[5:] == ("Content-Type: text/html", "<h1>502 Bad Gateway</h1>")


async def test_missing_page_fails_with_11200() -> None:
    ctx = FakeCall()
    outcome = await run(doc("<Redirect>nowhere.xml</Redirect>"), ctx)
    assert outcome.error_code == 11200
    assert ctx.calls("notify_error")[0][2] == "http://app.example.com/voice/nowhere.xml"


async def test_unreachable_url_fails_the_call_with_11200() -> None:
    ctx = FakeCall(pages={BASE: FetchError("connection refused")})
    outcome = await run(doc("<Redirect>start.xml</Redirect>"), ctx)
    assert outcome.error_code == 11200
    [notification] = ctx.calls("notify_error")
    assert "connection refused" in notification[1]
    assert notification[5:] == ("", "")


async def test_invalid_twiml_in_a_fetched_document_fails_with_12100() -> None:
    ctx = FakeCall(pages={BASE: b"<Response><Gather><Dial>1</Dial></Gather></Response>"})
    outcome = await run(doc("<Redirect>start.xml</Redirect>"), ctx)
    assert outcome.error_code == 12100
    [notification] = ctx.calls("notify_error")
    assert "<Gather> may not contain <Dial>" in notification[1]
    assert notification[6] == "<Response><Gather><Dial>1</Dial></Gather></Response>"


async def test_hostile_fetched_document_fails_with_12100() -> None:
    ctx = FakeCall(
        pages={
            BASE: b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Response><Say>&x;</Say></Response>'
        }
    )
    outcome = await run(doc("<Redirect>start.xml</Redirect>"), ctx)
    assert outcome.error_code == 12100


async def test_redirect_loop_is_stopped_after_the_document_limit() -> None:
    ctx = FakeCall(pages={BASE: doc("<Pause/><Redirect>start.xml</Redirect>")})
    outcome = await run(doc("<Redirect>start.xml</Redirect>"), ctx)
    assert (outcome.hung_up_by, outcome.error_code) == ("error", 11215)
    assert outcome.documents == MAX_DOCUMENTS == 100
    assert len(ctx.calls("fetch")) == MAX_DOCUMENTS - 1
    assert len(ctx.calls("notify_error")) == 1


# ---------------------------------------------------------------------------------------------
# run_url: the first request of a call
# ---------------------------------------------------------------------------------------------


async def test_run_url_fetches_the_first_document_with_its_parameters() -> None:
    ctx = FakeCall(pages={BASE: doc("<Say>hello</Say>")})
    outcome = await run_url(ctx, BASE, "GET", {"DialStatus": "answered"})
    assert ctx.calls("fetch") == [(BASE, "GET", {"DialStatus": "answered"})]
    assert outcome == Outcome("end", documents=1, seconds=0.4, document_url=BASE)


async def test_run_url_reports_an_invalid_first_document() -> None:
    ctx = FakeCall(pages={BASE: b"<Response><Bogus/></Response>"})
    outcome = await run_url(ctx, BASE)
    assert (outcome.hung_up_by, outcome.error_code, outcome.documents) == ("error", 12100, 1)
    assert ctx.calls("notify_error")[0][2:4] == (BASE, "POST")


async def test_run_url_tries_the_fallback_when_the_first_document_fails() -> None:
    fallback = "http://app.example.com/voice/fallback.xml"
    ctx = FakeCall(pages={BASE: FetchResult(500, "text/html", b"oops"), fallback: doc("<Say>hi</Say>")})
    outcome = await run_url(ctx, BASE, "POST", {"X": "1"}, fallback=(fallback, "GET"))
    assert ctx.calls("fetch") == [(BASE, "POST", {"X": "1"}), (fallback, "GET", {"X": "1"})]
    assert [n[0] for n in ctx.calls("notify_error")] == [11200]
    assert (outcome.hung_up_by, outcome.documents, outcome.document_url) == ("end", 2, fallback)


async def test_run_url_fallback_failing_too_ends_with_its_error() -> None:
    fallback = "http://app.example.com/voice/fallback.xml"
    ctx = FakeCall(pages={BASE: b"<Response><Bogus/></Response>"})
    outcome = await run_url(ctx, BASE, fallback=(fallback, "POST"))
    assert (outcome.hung_up_by, outcome.error_code) == ("error", 11200)  # the fallback 404s
    assert [(n[0], n[2]) for n in ctx.calls("notify_error")] == [(12100, BASE), (11200, fallback)]


async def test_run_url_without_a_url_fails_with_11200_and_fetches_nothing() -> None:
    ctx = FakeCall()
    outcome = await run_url(ctx, "")
    assert (outcome.hung_up_by, outcome.error_code) == ("error", 11200)
    assert ctx.calls("fetch") == [] and "no URL" in ctx.calls("notify_error")[0][1]


async def test_later_documents_have_no_fallback() -> None:
    fallback = "http://app.example.com/voice/fallback.xml"
    ctx = FakeCall(pages={BASE: doc("<Redirect>missing.xml</Redirect>"), fallback: doc("<Hangup/>")})
    outcome = await run_url(ctx, BASE, fallback=(fallback, "POST"))
    assert outcome.error_code == 11200
    assert fallback not in [entry[0] for entry in ctx.calls("fetch")]
