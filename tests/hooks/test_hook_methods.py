"""Every public hook method: the exact request it sends and the record it parses from the answer."""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pendulum
import pytest
from pytest_httpserver import HTTPServer

from airflow_provider_twilio2008.api import operations as ops
from airflow_provider_twilio2008.api.errors import (
    Twilio2008Error,
    Twilio2008ResponseError,
    Twilio2008TransportError,
)
from airflow_provider_twilio2008.api.operations import NumberSettings
from airflow_provider_twilio2008.api.records import (
    Account,
    AccountStatus,
    Call,
    CallFlags,
    CallStatus,
    Conference,
    ConferenceStatus,
    IncomingPhoneNumber,
    Notification,
    NotificationLog,
    OutgoingCallerId,
    Participant,
    Recording,
    SmsFlags,
    SmsMessage,
    SmsStatus,
    Transcription,
    TranscriptionStatus,
    ValidationRequest,
)
from airflow_provider_twilio2008.api.xml import render_record
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

from .fakes import (
    ACCOUNT_SID,
    ACCOUNT_XML,
    API,
    AUTH_TOKEN,
    BASIC_AUTH,
    CALL_SID,
    CALLER_ID_SID,
    COMPLETED_CALL_XML,
    CONFERENCE_SID,
    NOTIFICATION_SID,
    NUMBER_SID,
    OTHER_CALL_SID,
    PACIFIC,
    QUEUED_CALL_XML,
    RECORDING_SID,
    SEGMENT_SID,
    SMS_SID,
    TRANSCRIPTION_SID,
    TRANSCRIPTION_XML,
    XML_TYPE,
    HookFactory,
    answer_cut_short,
    base_url,
    error_body,
    only_values,
    page_body,
    public_hook_methods,
    sample_account,
    sample_call,
    sample_caller_id,
    sample_conference,
    sample_notification,
    sample_number,
    sample_participant,
    sample_recording,
    sample_sms,
    sample_transcription,
    sample_validation_request,
)

TWIML = "https://app.example.com/twiml/start"
CALLS = f"{API}/Calls"


@dataclass(frozen=True)
class Case:
    """One hook call, the request it must send, the answer served and what must be parsed from it.

    ``form`` is ``None`` when the request must carry no body; ``query`` is the exact query.
    """

    id: str
    call: Callable[[Twilio2008Hook], Any]
    method: str
    path: str
    answer: bytes = b""
    status: int = 200
    form: dict[str, str] | None = None
    query: dict[str, str] = field(default_factory=dict)
    check: Callable[[Any], None] = lambda result: None


# --- checks of the parsed records ------------------------------------------------------------


def is_ops_account(account: Account) -> None:
    assert isinstance(account, Account)
    assert account.sid == ACCOUNT_SID
    assert account.friendly_name == "Ops Account"
    assert account.status is AccountStatus.ACTIVE
    assert account.status_text == "Active"
    assert isinstance(account.date_created, pendulum.DateTime)
    assert account.date_created == pendulum.datetime(2009, 1, 12, 17, 14, 5, tz="UTC")
    assert account.date_created.utcoffset() == pendulum.duration(hours=-8)


def is_account_list(accounts: list[Account]) -> None:
    assert [type(a) for a in accounts] == [Account]
    assert accounts[0] == sample_account()


def is_completed_call(call: Call) -> None:
    assert isinstance(call, Call)
    assert call.sid == CALL_SID
    assert call.status is CallStatus.COMPLETED
    assert call.call_segment_sid is None and not call.is_segment
    assert call.called == "4155550134" and call.caller == "4155550199"
    assert isinstance(call.start_time, pendulum.DateTime)
    assert call.start_time == pendulum.datetime(2009, 11, 6, 10, 2, 15, tz=PACIFIC)
    assert call.duration == 162
    assert isinstance(call.price, Decimal) and call.price == Decimal("-0.09")
    assert call.flags == CallFlags.API


def is_queued_call(call: Call) -> None:
    assert isinstance(call, Call)
    assert call.status is CallStatus.QUEUED
    assert call.start_time is None and call.end_time is None
    assert call.duration is None and call.price is None
    assert call.flags == CallFlags.API


def is_in_progress_call(call: Call) -> None:
    assert call == sample_call(status=CallStatus.IN_PROGRESS, end_time=None, duration=None, price=None)


def is_call_list(calls: list[Call]) -> None:
    assert [c.sid for c in calls] == [CALL_SID, OTHER_CALL_SID]
    assert calls[1].status is CallStatus.BUSY
    assert calls[1].start_time is None and calls[1].price is None


def is_segment(call: Call) -> None:
    assert call.is_segment and call.call_segment_sid == SEGMENT_SID
    assert call.flags == CallFlags.API | CallFlags.DIAL


def is_segment_list(calls: list[Call]) -> None:
    assert len(calls) == 1
    is_segment(calls[0])


def is_queued_sms(sms: SmsMessage) -> None:
    assert isinstance(sms, SmsMessage)
    assert sms == sample_sms()
    assert sms.status is SmsStatus.QUEUED and sms.flags == SmsFlags.API
    assert sms.from_ == "4155550199" and sms.to == "6505550123"
    assert sms.date_sent is None


def is_sent_sms_list(messages: list[SmsMessage]) -> None:
    assert [m.status for m in messages] == [SmsStatus.SENT]
    assert isinstance(messages[0].date_sent, pendulum.DateTime)


def is_recording(recording: Recording) -> None:
    assert isinstance(recording, Recording)
    assert recording == sample_recording()
    assert recording.duration == 37 and recording.call_sid == CALL_SID


def is_recording_list(recordings: list[Recording]) -> None:
    assert recordings == [sample_recording()]


def is_transcription(transcription: Transcription) -> None:
    assert isinstance(transcription, Transcription)
    assert transcription.status is TranscriptionStatus.COMPLETED
    assert isinstance(transcription.date_created, pendulum.DateTime)
    assert transcription.date_created == pendulum.datetime(2009, 11, 6, 18, 4, 50, tz="UTC")
    assert transcription.date_created.timestamp() == 1257530690
    assert transcription.price == Decimal("-0.05000")
    assert transcription.transcription_text == "Hi, this is Dana, please call me back about the invoice."


def is_transcription_list(transcriptions: list[Transcription]) -> None:
    assert transcriptions == [sample_transcription()]


def is_notification(notification: Notification) -> None:
    assert isinstance(notification, Notification)
    assert notification == sample_notification()
    assert notification.log is NotificationLog.ERROR and notification.error_code == 11200
    assert notification.response_body == "<h1>502 Bad Gateway</h1>"


def is_notification_list(notifications: list[Notification]) -> None:
    assert [n.log for n in notifications] == [NotificationLog.WARNING]


def is_caller_id(caller_id: OutgoingCallerId) -> None:
    assert isinstance(caller_id, OutgoingCallerId)
    assert caller_id == sample_caller_id()


def is_renamed_caller_id(caller_id: OutgoingCallerId) -> None:
    assert caller_id.friendly_name == "Dana desk"


def is_caller_id_list(caller_ids: list[OutgoingCallerId]) -> None:
    assert caller_ids == [sample_caller_id(friendly_name="Dana mobile")]


def is_validation_request(validation: ValidationRequest) -> None:
    assert isinstance(validation, ValidationRequest)
    assert validation.validation_code == "730512"
    assert validation.phone_number == "6505550123"


def is_number(number: IncomingPhoneNumber) -> None:
    assert isinstance(number, IncomingPhoneNumber)
    assert number == sample_number()
    assert number.voice_caller_id_lookup is False
    assert number.voice_fallback_url is None


def is_number_list(numbers: list[IncomingPhoneNumber]) -> None:
    assert numbers == [sample_number()]


def is_toll_free_number(number: IncomingPhoneNumber) -> None:
    assert number.phone_number == "8665550100"
    assert number.sms_url is None


def is_conference(conference: Conference) -> None:
    assert isinstance(conference, Conference)
    assert conference == sample_conference()
    assert conference.status is ConferenceStatus.IN_PROGRESS


def is_conference_list(conferences: list[Conference]) -> None:
    assert conferences == [sample_conference()]


def is_muted_participant(participant: Participant) -> None:
    assert isinstance(participant, Participant)
    assert participant.muted is True
    assert participant.start_conference_on_enter is True and participant.end_conference_on_exit is False


def is_unmuted_participant(participant: Participant) -> None:
    assert participant.muted is False


def is_participant_list(participants: list[Participant]) -> None:
    assert participants == [sample_participant()]


def is_none(result: object) -> None:
    assert result is None


def is_a_server_time(result: object) -> None:
    from datetime import datetime

    assert isinstance(result, datetime) and result.tzinfo is not None


def is_good_connection_test(result: tuple[bool, str]) -> None:
    ok, message = result
    assert ok is True
    assert ACCOUNT_SID in message and "Ops Account" in message


# --- the table ---------------------------------------------------------------------------------

SEGMENT = sample_call(call_segment_sid=SEGMENT_SID, flags=CallFlags.API | CallFlags.DIAL)
TOLL_FREE = sample_number(
    phone_number="8665550100", sms_url=None, sms_method=None, url="https://app.example.com/tf"
)

CASES = [
    Case(
        "get_account",
        lambda h: h.get_account(),
        "GET",
        API,
        ACCOUNT_XML,
        check=is_ops_account,
    ),
    Case(
        "list_accounts",
        lambda h: h.list_accounts(),
        "GET",
        "/2008-08-01/Accounts",
        page_body([sample_account()], Account),
        query={"num": "50"},
        check=is_account_list,
    ),
    Case(
        "list_accounts-page-size",
        lambda h: h.list_accounts(page_size=3),
        "GET",
        "/2008-08-01/Accounts",
        page_body([sample_account()], Account, page_size=3),
        query={"num": "3"},
        check=is_account_list,
    ),
    Case(
        "update_account",
        lambda h: h.update_account("Night shift"),
        "POST",
        API,
        ACCOUNT_XML,
        form={"FriendlyName": "Night shift"},
        check=is_ops_account,
    ),
    Case(
        "make_call-minimal",
        lambda h: h.make_call("+14155550134", "+14155550199", TWIML),
        "POST",
        f"{API}/Calls",
        QUEUED_CALL_XML,
        status=201,
        form={"Caller": "4155550199", "Called": "4155550134", "Url": TWIML, "Method": "POST"},
        check=is_queued_call,
    ),
    Case(
        "make_call-method-none-leaves-it-to-twilio",
        lambda h: h.make_call("+14155550134", "+14155550199", TWIML, method=None),
        "POST",
        f"{API}/Calls",
        QUEUED_CALL_XML,
        status=201,
        form={"Caller": "4155550199", "Called": "4155550134", "Url": TWIML},
        check=is_queued_call,
    ),
    Case(
        "make_call-every-option",
        lambda h: h.make_call(
            "(415) 555-0134",
            "1-415-555-0199",
            TWIML,
            method="get",
            send_digits="1234#",
            if_machine="hangup",
            timeout=30,
        ),
        "POST",
        f"{API}/Calls",
        QUEUED_CALL_XML,
        status=201,
        form={
            "Caller": "4155550199",
            "Called": "4155550134",
            "Url": TWIML,
            "Method": "GET",
            "SendDigits": "1234#",
            "IfMachine": "Hangup",
            "Timeout": "30",
        },
        check=is_queued_call,
    ),
    Case(
        "make_call-international-called-keeps-plus",
        lambda h: h.make_call("+44 20 7946 0958", "4155550199", TWIML),
        "POST",
        f"{API}/Calls",
        QUEUED_CALL_XML,
        status=201,
        form={"Caller": "4155550199", "Called": "+442079460958", "Url": TWIML, "Method": "POST"},
        check=is_queued_call,
    ),
    Case(
        "get_call",
        lambda h: h.get_call(CALL_SID),
        "GET",
        f"{API}/Calls/{CALL_SID}",
        COMPLETED_CALL_XML,
        check=is_completed_call,
    ),
    Case(
        "list_calls-every-filter",
        lambda h: h.list_calls(
            to="(415) 555-0134",
            from_="+1 415 555 0199",
            status="completed",
            started_after=date(2009, 7, 4),
            started_before="2009-07-06",
            page_size=5,
        ),
        "GET",
        f"{API}/Calls",
        page_body(
            [
                sample_call(),
                sample_call(
                    OTHER_CALL_SID,
                    status=CallStatus.BUSY,
                    start_time=None,
                    end_time=None,
                    duration=None,
                    price=None,
                    flags=CallFlags.INBOUND,
                ),
            ],
            Call,
        ),
        query={
            "Called": "4155550134",
            "Caller": "4155550199",
            "Status": "2",
            "StartTime>": "2009-07-04",
            "StartTime<": "2009-07-06",
            "num": "5",
        },
        check=is_call_list,
    ),
    Case(
        "list_calls-started-on-and-status-enum",
        lambda h: h.list_calls(
            started_on=pendulum.datetime(2009, 7, 6, 23, 0), status=CallStatus.IN_PROGRESS
        ),
        "GET",
        f"{API}/Calls",
        page_body([], Call, num_pages=0),
        query={"Status": "1", "StartTime": "2009-07-06", "num": "50"},
        check=lambda calls: calls == [],
    ),
    Case(
        "list_call_segments",
        lambda h: h.list_call_segments(CALL_SID),
        "GET",
        f"{API}/Calls/{CALL_SID}/Segments",
        page_body([SEGMENT], Call),
        query={"num": "50"},
        check=is_segment_list,
    ),
    Case(
        "list_call_segments-page-size",
        lambda h: h.list_call_segments(CALL_SID, page_size=2),
        "GET",
        f"{API}/Calls/{CALL_SID}/Segments",
        page_body([SEGMENT], Call, page_size=2),
        query={"num": "2"},
        check=is_segment_list,
    ),
    Case(
        "get_call_segment",
        lambda h: h.get_call_segment(CALL_SID, SEGMENT_SID),
        "GET",
        f"{API}/Calls/{CALL_SID}/Segments/{SEGMENT_SID}",
        render_record(SEGMENT),
        check=is_segment,
    ),
    Case(
        "redirect_call",
        lambda h: h.redirect_call(CALL_SID, "https://app.example.com/twiml/hangup"),
        "POST",
        f"{API}/Calls/{CALL_SID}",
        render_record(sample_call(status=CallStatus.IN_PROGRESS, end_time=None, duration=None, price=None)),
        form={"CurrentUrl": "https://app.example.com/twiml/hangup", "CurrentMethod": "POST"},
        check=is_in_progress_call,
    ),
    Case(
        "redirect_call-get",
        lambda h: h.redirect_call(CALL_SID, "http://app.example.com/twiml/next?step=2", method="GET"),
        "POST",
        f"{API}/Calls/{CALL_SID}",
        render_record(sample_call(status=CallStatus.IN_PROGRESS, end_time=None, duration=None, price=None)),
        form={"CurrentUrl": "http://app.example.com/twiml/next?step=2", "CurrentMethod": "GET"},
        check=is_in_progress_call,
    ),
    Case(
        "redirect_call-method-none-leaves-it-to-twilio",
        lambda h: h.redirect_call(CALL_SID, "https://app.example.com/twiml/hangup", method=None),
        "POST",
        f"{API}/Calls/{CALL_SID}",
        render_record(sample_call(status=CallStatus.IN_PROGRESS, end_time=None, duration=None, price=None)),
        form={"CurrentUrl": "https://app.example.com/twiml/hangup"},
        check=is_in_progress_call,
    ),
    Case(
        "send_sms",
        lambda h: h.send_sms(
            "+16505550123",
            "Build 1842 deployed to staging",
            from_="+14155550199",
            status_callback="https://app.example.com/sms/status",
        ),
        "POST",
        f"{API}/SMS/Messages",
        render_record(sample_sms()),
        status=201,
        form={
            "From": "4155550199",
            "To": "6505550123",
            "Body": "Build 1842 deployed to staging",
            "StatusCallback": "https://app.example.com/sms/status",
        },
        check=is_queued_sms,
    ),
    Case(
        "send_sms-to-short-code-with-160-characters",
        lambda h: h.send_sms("894546", "é" * 160, from_="4155550199"),
        "POST",
        f"{API}/SMS/Messages",
        render_record(sample_sms()),
        status=201,
        form={"From": "4155550199", "To": "894546", "Body": "é" * 160},
        check=is_queued_sms,
    ),
    Case(
        "get_sms",
        lambda h: h.get_sms(SMS_SID),
        "GET",
        f"{API}/SMS/Messages/{SMS_SID}",
        render_record(sample_sms()),
        check=is_queued_sms,
    ),
    Case(
        "list_sms",
        lambda h: h.list_sms(
            to="650 555 0123",
            from_="4155550199",
            sent_after="2009-10-01",
            sent_before=date(2009, 10, 31),
            page_size=1000,
        ),
        "GET",
        f"{API}/SMS/Messages",
        page_body(
            [sample_sms(status=SmsStatus.SENT, date_sent=pendulum.datetime(2009, 10, 21, 23, 5, 20))],
            SmsMessage,
        ),
        query={
            "To": "6505550123",
            "From": "4155550199",
            "DateSent>": "2009-10-01",
            "DateSent<": "2009-10-31",
            "num": "1000",
        },
        check=is_sent_sms_list,
    ),
    Case(
        "list_sms-sent-on",
        lambda h: h.list_sms(sent_on=date(2009, 10, 21), page_size=1),
        "GET",
        f"{API}/SMS/Messages",
        page_body(
            [sample_sms(status=SmsStatus.SENT, date_sent=pendulum.datetime(2009, 10, 21, 23, 5, 20))],
            SmsMessage,
        ),
        query={"DateSent": "2009-10-21", "num": "1"},
        check=is_sent_sms_list,
    ),
    Case(
        "list_recordings-of-a-call",
        lambda h: h.list_recordings(CALL_SID, created_after=date(2009, 11, 1)),
        "GET",
        f"{API}/Recordings",
        page_body([sample_recording()], Recording),
        query={"CallSid": CALL_SID, "DateCreated>": "2009-11-01", "num": "50"},
        check=is_recording_list,
    ),
    Case(
        "list_recordings-all",
        lambda h: h.list_recordings(created_on="2009-11-06", created_before="2009-11-07"),
        "GET",
        f"{API}/Recordings",
        page_body([sample_recording()], Recording),
        query={"DateCreated": "2009-11-06", "DateCreated<": "2009-11-07", "num": "50"},
        check=is_recording_list,
    ),
    Case(
        "list_recordings-page-size",
        lambda h: h.list_recordings(page_size=7),
        "GET",
        f"{API}/Recordings",
        page_body([sample_recording()], Recording, page_size=7),
        query={"num": "7"},
        check=is_recording_list,
    ),
    Case(
        "get_recording-uses-xml-representation",
        lambda h: h.get_recording(RECORDING_SID),
        "GET",
        f"{API}/Recordings/{RECORDING_SID}.xml",
        render_record(sample_recording()),
        check=is_recording,
    ),
    Case(
        "delete_recording",
        lambda h: h.delete_recording(RECORDING_SID),
        "DELETE",
        f"{API}/Recordings/{RECORDING_SID}",
        status=204,
        check=is_none,
    ),
    Case(
        "list_transcriptions-account",
        lambda h: h.list_transcriptions(),
        "GET",
        f"{API}/Transcriptions",
        page_body([sample_transcription()], Transcription),
        query={"num": "50"},
        check=is_transcription_list,
    ),
    Case(
        "list_transcriptions-of-a-recording",
        lambda h: h.list_transcriptions(RECORDING_SID),
        "GET",
        f"{API}/Recordings/{RECORDING_SID}/Transcriptions",
        page_body([sample_transcription()], Transcription),
        query={"num": "50"},
        check=is_transcription_list,
    ),
    Case(
        "list_transcriptions-page-size",
        lambda h: h.list_transcriptions(RECORDING_SID, page_size=20),
        "GET",
        f"{API}/Recordings/{RECORDING_SID}/Transcriptions",
        page_body([sample_transcription()], Transcription, page_size=20),
        query={"num": "20"},
        check=is_transcription_list,
    ),
    Case(
        "get_transcription-account-level",
        lambda h: h.get_transcription(TRANSCRIPTION_SID),
        "GET",
        f"{API}/Transcriptions/{TRANSCRIPTION_SID}",
        TRANSCRIPTION_XML,
        check=is_transcription,
    ),
    Case(
        "get_transcription-nested-under-recording",
        lambda h: h.get_transcription(TRANSCRIPTION_SID, RECORDING_SID),
        "GET",
        f"{API}/Recordings/{RECORDING_SID}/Transcriptions/{TRANSCRIPTION_SID}",
        TRANSCRIPTION_XML,
        check=is_transcription,
    ),
    Case(
        "list_notifications-account",
        lambda h: h.list_notifications(),
        "GET",
        f"{API}/Notifications",
        page_body([sample_notification(log=NotificationLog.WARNING)], Notification),
        query={"num": "50"},
        check=is_notification_list,
    ),
    Case(
        "list_notifications-of-a-call",
        lambda h: h.list_notifications(
            CALL_SID, log=NotificationLog.WARNING, created_after=date(2009, 11, 1), page_size=10
        ),
        "GET",
        f"{API}/Calls/{CALL_SID}/Notifications",
        page_body([sample_notification(log=NotificationLog.WARNING)], Notification),
        query={"Log": "1", "MessageDate>": "2009-11-01", "num": "10"},
        check=is_notification_list,
    ),
    Case(
        "get_notification",
        lambda h: h.get_notification(NOTIFICATION_SID),
        "GET",
        f"{API}/Notifications/{NOTIFICATION_SID}",
        render_record(sample_notification()),
        check=is_notification,
    ),
    Case(
        "delete_notification",
        lambda h: h.delete_notification(NOTIFICATION_SID),
        "DELETE",
        f"{API}/Notifications/{NOTIFICATION_SID}",
        status=204,
        check=is_none,
    ),
    Case(
        "list_outgoing_caller_ids",
        lambda h: h.list_outgoing_caller_ids(phone_number="650-555-0123", friendly_name="Dana mobile"),
        "GET",
        f"{API}/OutgoingCallerIds",
        page_body([sample_caller_id(friendly_name="Dana mobile")], OutgoingCallerId),
        query={"PhoneNumber": "6505550123", "FriendlyName": "Dana mobile", "num": "50"},
        check=is_caller_id_list,
    ),
    Case(
        "list_outgoing_caller_ids-page-size",
        lambda h: h.list_outgoing_caller_ids(page_size=1000),
        "GET",
        f"{API}/OutgoingCallerIds",
        page_body([sample_caller_id(friendly_name="Dana mobile")], OutgoingCallerId, page_size=1000),
        query={"num": "1000"},
        check=is_caller_id_list,
    ),
    Case(
        "get_outgoing_caller_id",
        lambda h: h.get_outgoing_caller_id(CALLER_ID_SID),
        "GET",
        f"{API}/OutgoingCallerIds/{CALLER_ID_SID}",
        render_record(sample_caller_id()),
        check=is_caller_id,
    ),
    Case(
        "start_caller_id_validation",
        lambda h: h.start_caller_id_validation("(650) 555-0123", friendly_name="Dana mobile", call_delay=5),
        "POST",
        f"{API}/OutgoingCallerIds",
        render_record(sample_validation_request()),
        form={"PhoneNumber": "6505550123", "FriendlyName": "Dana mobile", "CallDelay": "5"},
        check=is_validation_request,
    ),
    Case(
        "update_outgoing_caller_id",
        lambda h: h.update_outgoing_caller_id(CALLER_ID_SID, "Dana desk"),
        "POST",
        f"{API}/OutgoingCallerIds/{CALLER_ID_SID}",
        render_record(sample_caller_id(friendly_name="Dana desk")),
        form={"FriendlyName": "Dana desk"},
        check=is_renamed_caller_id,
    ),
    Case(
        "delete_outgoing_caller_id",
        lambda h: h.delete_outgoing_caller_id(CALLER_ID_SID),
        "DELETE",
        f"{API}/OutgoingCallerIds/{CALLER_ID_SID}",
        status=204,
        check=is_none,
    ),
    Case(
        "list_incoming_phone_numbers-all",
        lambda h: h.list_incoming_phone_numbers(),
        "GET",
        f"{API}/IncomingPhoneNumbers",
        page_body([sample_number()], IncomingPhoneNumber),
        query={"num": "50"},
        check=is_number_list,
    ),
    Case(
        "list_incoming_phone_numbers-local",
        lambda h: h.list_incoming_phone_numbers(kind="local", phone_number="+14155550199"),
        "GET",
        f"{API}/IncomingPhoneNumbers/Local",
        page_body([sample_number()], IncomingPhoneNumber),
        query={"PhoneNumber": "4155550199", "num": "50"},
        check=is_number_list,
    ),
    Case(
        "list_incoming_phone_numbers-toll-free",
        lambda h: h.list_incoming_phone_numbers(kind="toll-free", friendly_name="Support line"),
        "GET",
        f"{API}/IncomingPhoneNumbers/TollFree",
        page_body([sample_number()], IncomingPhoneNumber),
        query={"FriendlyName": "Support line", "num": "50"},
        check=is_number_list,
    ),
    Case(
        "list_incoming_phone_numbers-page-size",
        lambda h: h.list_incoming_phone_numbers(kind="local", page_size=25),
        "GET",
        f"{API}/IncomingPhoneNumbers/Local",
        page_body([sample_number()], IncomingPhoneNumber, page_size=25),
        query={"num": "25"},
        check=is_number_list,
    ),
    Case(
        "get_incoming_phone_number",
        lambda h: h.get_incoming_phone_number(NUMBER_SID),
        "GET",
        f"{API}/IncomingPhoneNumbers/{NUMBER_SID}",
        render_record(sample_number()),
        check=is_number,
    ),
    Case(
        "buy_local_number",
        lambda h: h.buy_local_number(
            "415",
            NumberSettings(
                friendly_name="Support line",
                url="http://app.example.com/twiml/inbound",
                sms_url="http://app.example.com/twiml/sms",
                sms_method="get",
                voice_caller_id_lookup=True,
            ),
        ),
        "POST",
        f"{API}/IncomingPhoneNumbers/Local",
        render_record(sample_number()),
        status=201,
        form={
            "AreaCode": "415",
            "FriendlyName": "Support line",
            "Url": "http://app.example.com/twiml/inbound",
            "SmsUrl": "http://app.example.com/twiml/sms",
            "SmsMethod": "GET",
            "VoiceCallerIdLookup": "true",
        },
        check=is_number,
    ),
    Case(
        "buy_local_number-anywhere",
        lambda h: h.buy_local_number(),
        "POST",
        f"{API}/IncomingPhoneNumbers/Local",
        render_record(sample_number()),
        status=201,
        form={},
        check=is_number,
    ),
    Case(
        "buy_toll_free_number",
        lambda h: h.buy_toll_free_number(
            "866", NumberSettings(url="https://app.example.com/tf", method="GET", voice_fallback_url=TWIML)
        ),
        "POST",
        f"{API}/IncomingPhoneNumbers/TollFree",
        render_record(TOLL_FREE),
        status=201,
        form={
            "AreaCode": "866",
            "Url": "https://app.example.com/tf",
            "Method": "GET",
            "VoiceFallbackUrl": TWIML,
        },
        check=is_toll_free_number,
    ),
    Case(
        "update_incoming_phone_number",
        lambda h: h.update_incoming_phone_number(
            NUMBER_SID,
            NumberSettings(
                url="http://app.example.com/twiml/inbound",
                voice_fallback_method="post",
                sms_fallback_url="http://app.example.com/twiml/sms-fallback",
                sms_fallback_method="GET",
                voice_caller_id_lookup=False,
            ),
        ),
        "POST",
        f"{API}/IncomingPhoneNumbers/{NUMBER_SID}",
        render_record(sample_number()),
        form={
            "Url": "http://app.example.com/twiml/inbound",
            "VoiceFallbackMethod": "POST",
            "SmsFallbackUrl": "http://app.example.com/twiml/sms-fallback",
            "SmsFallbackMethod": "GET",
            "VoiceCallerIdLookup": "false",
        },
        check=is_number,
    ),
    Case(
        "release_incoming_phone_number",
        lambda h: h.release_incoming_phone_number(NUMBER_SID),
        "DELETE",
        f"{API}/IncomingPhoneNumbers/{NUMBER_SID}",
        status=204,
        check=is_none,
    ),
    Case(
        "list_conferences",
        lambda h: h.list_conferences(
            status=ConferenceStatus.IN_PROGRESS,
            friendly_name="standup-room",
            created_after=date(2009, 11, 1),
            created_before=date(2009, 11, 30),
            updated_on="2009-11-09",
        ),
        "GET",
        f"{API}/Conferences",
        page_body([sample_conference()], Conference),
        query={
            "Status": "1",
            "FriendlyName": "standup-room",
            "DateCreated>": "2009-11-01",
            "DateCreated<": "2009-11-30",
            "DateUpdated": "2009-11-09",
            "num": "50",
        },
        check=is_conference_list,
    ),
    Case(
        "list_conferences-page-size",
        lambda h: h.list_conferences(page_size=1),
        "GET",
        f"{API}/Conferences",
        page_body([sample_conference()], Conference, page_size=1),
        query={"num": "1"},
        check=is_conference_list,
    ),
    Case(
        "get_conference",
        lambda h: h.get_conference(CONFERENCE_SID),
        "GET",
        f"{API}/Conferences/{CONFERENCE_SID}",
        render_record(sample_conference()),
        check=is_conference,
    ),
    Case(
        "list_participants",
        lambda h: h.list_participants(CONFERENCE_SID, muted=True),
        "GET",
        f"{API}/Conferences/{CONFERENCE_SID}/Participants",
        page_body([sample_participant()], Participant),
        query={"Muted": "true", "num": "50"},
        check=is_participant_list,
    ),
    Case(
        "list_participants-page-size",
        lambda h: h.list_participants(CONFERENCE_SID, muted=False, page_size=4),
        "GET",
        f"{API}/Conferences/{CONFERENCE_SID}/Participants",
        page_body([sample_participant()], Participant, page_size=4),
        query={"Muted": "false", "num": "4"},
        check=is_participant_list,
    ),
    Case(
        "get_participant",
        lambda h: h.get_participant(CONFERENCE_SID, OTHER_CALL_SID),
        "GET",
        f"{API}/Conferences/{CONFERENCE_SID}/Participants/{OTHER_CALL_SID}",
        render_record(sample_participant()),
        check=is_muted_participant,
    ),
    Case(
        "mute_participant",
        lambda h: h.mute_participant(CONFERENCE_SID, OTHER_CALL_SID),
        "POST",
        f"{API}/Conferences/{CONFERENCE_SID}/Participants/{OTHER_CALL_SID}",
        render_record(sample_participant()),
        form={"Muted": "true"},
        check=is_muted_participant,
    ),
    Case(
        "unmute_participant",
        lambda h: h.unmute_participant(CONFERENCE_SID, OTHER_CALL_SID),
        "POST",
        f"{API}/Conferences/{CONFERENCE_SID}/Participants/{OTHER_CALL_SID}",
        render_record(sample_participant(muted=False)),
        form={"Muted": "false"},
        check=is_unmuted_participant,
    ),
    Case(
        "kick_participant",
        lambda h: h.kick_participant(CONFERENCE_SID, OTHER_CALL_SID),
        "DELETE",
        f"{API}/Conferences/{CONFERENCE_SID}/Participants/{OTHER_CALL_SID}",
        status=204,
        check=is_none,
    ),
    Case(
        "server_now",
        lambda h: h.server_now(),
        "GET",
        API,
        ACCOUNT_XML,
        check=is_a_server_time,
    ),
    Case(
        "test_connection",
        lambda h: h.test_connection(),
        "GET",
        API,
        ACCOUNT_XML,
        check=is_good_connection_test,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hook_method_sends_exact_request_and_parses_the_answer(
    case: Case, hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(case.path, method=case.method).respond_with_data(
        case.answer, status=case.status, content_type=XML_TYPE
    )

    result = case.call(hook)
    if isinstance(result, Iterator):
        result = list(result)

    assert len(httpserver.log) == 1, [str(request) for request, _ in httpserver.log]
    request, response = httpserver.log[0]
    assert response.status_code == case.status, "the request did not reach the expected handler"
    assert request.method == case.method
    assert request.path == case.path
    assert only_values(request.args) == case.query
    if case.form is None:
        assert request.get_data() == b""
    else:
        if case.form:
            assert request.mimetype == "application/x-www-form-urlencoded"
        assert only_values(request.form) == case.form
    assert request.headers["Authorization"] == BASIC_AUTH
    case.check(result)


def test_table_covers_every_public_hook_operation() -> None:
    """A new hook method, on the hook or on one of its mixins, must get a row in the table above."""
    covered = {case.id.split("-")[0] for case in CASES} | {
        "download_recording",  # tested below
        "get_transcription_text",  # tested below
        "send_request",  # test_send_request_and_get_page_send_any_operation
        "get_page",  # test_send_request_and_get_page_send_any_operation
        "get_conn",  # test_get_conn_is_an_authenticated_session_with_tls_verification
        "close",  # test_hook_as_context_manager_closes_its_session
    }
    public = set(public_hook_methods())
    assert {"make_call", "send_sms", "list_recordings", "get_account", "test_connection"} <= public, (
        "the guard must see the mixins' methods, not only those defined on Twilio2008Hook itself"
    )
    assert public - covered == set()
    assert covered - public == set(), "a covered name that is no hook method: rename or remove it"


def test_list_call_filters_put_the_inequality_in_the_query_key(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    """``StartTime>=2009-07-04`` on the wire: the key is ``StartTime>`` and the value stays a plain date."""
    httpserver.expect_request(f"{API}/Calls").respond_with_data(page_body([], Call), content_type=XML_TYPE)

    list(hook.list_calls(started_after=date(2009, 7, 4), started_before=date(2009, 7, 6)))

    request, _ = httpserver.log[0]
    assert request.args.getlist("StartTime>") == ["2009-07-04"]
    assert request.args.getlist("StartTime<") == ["2009-07-06"]
    assert "StartTime" not in request.args
    assert all(">" not in value and "<" not in value for value in request.args.values())


# --- media and text ------------------------------------------------------------------------------

WAV_BYTES = b"RIFF\x24\x08\x00\x00WAVEfmt " + bytes(range(256)) * 300
MP3_BYTES = b"ID3\x03\x00\x00\x00\x00\x00\x0f" + bytes(reversed(range(256))) * 123


@pytest.mark.parametrize(
    ("fmt", "content_type", "payload"),
    [("wav", "audio/x-wav", WAV_BYTES), ("mp3", "audio/mpeg", MP3_BYTES)],
)
def test_download_recording_to_a_path_writes_the_served_bytes(
    fmt: str, content_type: str, payload: bytes, hook: Twilio2008Hook, httpserver: HTTPServer, tmp_path: Path
) -> None:
    path = f"{API}/Recordings/{RECORDING_SID}.{fmt}"
    httpserver.expect_request(path, method="GET").respond_with_data(payload, content_type=content_type)
    target = tmp_path / f"voicemail.{fmt}"

    written = hook.download_recording(RECORDING_SID, target, fmt=fmt)

    assert written == len(payload)
    assert target.read_bytes() == payload
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name], "no temporary file left behind"
    request, _ = httpserver.log[0]
    assert (request.method, request.path, dict(request.args)) == ("GET", path, {})
    assert len(httpserver.log) == 1


@pytest.mark.parametrize(
    ("fmt", "content_type", "payload"),
    [("wav", "audio/x-wav", WAV_BYTES), ("mp3", "audio/mpeg", MP3_BYTES)],
)
def test_download_recording_to_a_file_object_writes_the_served_bytes(
    fmt: str, content_type: str, payload: bytes, hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    path = f"{API}/Recordings/{RECORDING_SID}.{fmt}"
    httpserver.expect_request(path, method="GET").respond_with_data(payload, content_type=content_type)
    buffer = io.BytesIO()

    written = hook.download_recording(RECORDING_SID, buffer, fmt=fmt)

    assert written == len(payload)
    assert buffer.getvalue() == payload
    assert [r.path for r, _ in httpserver.log] == [path]


def test_download_recording_defaults_to_wav(hook: Twilio2008Hook, httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"{API}/Recordings/{RECORDING_SID}.wav").respond_with_data(
        WAV_BYTES, content_type="audio/x-wav"
    )

    assert hook.download_recording(RECORDING_SID, io.BytesIO()) == len(WAV_BYTES)


def test_download_cut_short_leaves_no_partial_file(
    make_hook: HookFactory, raw_server: Callable[..., Any], tmp_path: Path
) -> None:
    server = raw_server(answer_cut_short(WAV_BYTES[:5000], announced=len(WAV_BYTES)))
    hook = make_hook(host=server.url, extra={"retries": 0})
    target = tmp_path / "voicemail.wav"

    with pytest.raises(Twilio2008TransportError) as raised:
        hook.download_recording(RECORDING_SID, target)

    assert not target.exists()
    assert list(tmp_path.iterdir()) == [], "the temporary file was removed too"
    assert raised.value.path == f"{API}/Recordings/{RECORDING_SID}.wav"
    assert server.request_lines() == [f"GET {API}/Recordings/{RECORDING_SID}.wav HTTP/1.1"]


def test_download_cut_short_keeps_an_existing_file_intact(
    make_hook: HookFactory, raw_server: Callable[..., Any], tmp_path: Path
) -> None:
    server = raw_server(answer_cut_short(WAV_BYTES[:5000], announced=len(WAV_BYTES)))
    hook = make_hook(host=server.url, extra={"retries": 0})
    target = tmp_path / "voicemail.wav"
    target.write_bytes(b"previous download")

    with pytest.raises(Twilio2008TransportError):
        hook.download_recording(RECORDING_SID, target)

    assert target.read_bytes() == b"previous download"
    assert [p.name for p in tmp_path.iterdir()] == ["voicemail.wav"]


def test_download_of_a_missing_recording_creates_no_file(
    hook: Twilio2008Hook, httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request(f"{API}/Recordings/{RECORDING_SID}.mp3").respond_with_data(
        error_body(404, "The requested resource was not found"), status=404, content_type=XML_TYPE
    )

    with pytest.raises(Twilio2008Error):
        hook.download_recording(RECORDING_SID, tmp_path / "gone.mp3", fmt="mp3")

    assert list(tmp_path.iterdir()) == []


def test_download_of_a_redirected_recording_never_saves_the_redirect_page_as_audio(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    """A 302 is not the audio: the hook must follow it on the same host or fail, never save its body."""
    media = f"{API}/Recordings/{RECORDING_SID}.wav"
    httpserver.expect_request(media).respond_with_data(
        b"<html>Moved</html>",
        status=302,
        headers={"Location": base_url(httpserver) + "/media/voicemail.wav"},
        content_type="text/html",
    )
    httpserver.expect_request("/media/voicemail.wav").respond_with_data(WAV_BYTES, content_type="audio/x-wav")
    buffer = io.BytesIO()

    try:
        hook.download_recording(RECORDING_SID, buffer)
    except Twilio2008Error:
        return
    assert buffer.getvalue() == WAV_BYTES, "the body of the 302 was saved as the recording"


def test_get_transcription_text_returns_the_text_representation(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    path = f"{API}/Recordings/{RECORDING_SID}/Transcriptions/{TRANSCRIPTION_SID}.txt"
    text = "Hi, this is Dana, please call me back about the invoice."
    httpserver.expect_request(path, method="GET").respond_with_data(
        text, content_type="text/plain; charset=utf-8"
    )

    assert hook.get_transcription_text(TRANSCRIPTION_SID, RECORDING_SID) == text

    request, _ = httpserver.log[0]
    assert (request.method, request.path, dict(request.args)) == ("GET", path, {})


def test_get_transcription_text_account_level_uri(hook: Twilio2008Hook, httpserver: HTTPServer) -> None:
    path = f"{API}/Transcriptions/{TRANSCRIPTION_SID}.txt"
    httpserver.expect_request(path).respond_with_data("Bonjour", content_type="text/plain; charset=utf-8")

    assert hook.get_transcription_text(TRANSCRIPTION_SID) == "Bonjour"
    assert [r.path for r, _ in httpserver.log] == [path]


def test_get_transcription_text_decodes_utf8_when_no_charset_is_given(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    """``text/plain`` without a charset: the text is UTF-8 (as every 2008 document is), not Latin-1."""
    path = f"{API}/Transcriptions/{TRANSCRIPTION_SID}.txt"
    text = "Rappelez-moi au café, s'il vous plaît"
    httpserver.expect_request(path).respond_with_data(text.encode("utf-8"), content_type="text/plain")

    assert hook.get_transcription_text(TRANSCRIPTION_SID) == text


# --- the generic entry points ------------------------------------------------------------------


def test_send_request_and_get_page_send_any_operation(hook: Twilio2008Hook, httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"{API}/Calls", method="GET").respond_with_data(
        page_body([sample_call()], Call, page=0, num_pages=4, page_size=1, total=4, start=0, end=0),
        content_type=XML_TYPE,
    )
    httpserver.expect_request(f"{API}/Calls/{CALL_SID}", method="GET").respond_with_data(
        COMPLETED_CALL_XML, content_type=XML_TYPE
    )

    page = hook.get_page(ops.list_calls(hook.account_sid, page_size=1))
    call = hook.send_request(ops.get_call(hook.account_sid, CALL_SID))

    assert (page.page, page.num_pages, page.page_size, page.total) == (0, 4, 1, 4)
    assert list(page) == [sample_call()]
    is_completed_call(call)
    assert [(r.method, r.path, dict(r.args)) for r, _ in httpserver.log] == [
        ("GET", f"{API}/Calls", {"num": "1"}),
        ("GET", f"{API}/Calls/{CALL_SID}", {}),
    ]


def test_get_conn_is_an_authenticated_session_with_tls_verification(hook: Twilio2008Hook) -> None:
    session = hook.get_conn()

    assert session.auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert session.verify is True


def test_hook_as_context_manager_closes_its_session(hook: Twilio2008Hook, httpserver: HTTPServer) -> None:
    httpserver.expect_request(API).respond_with_data(ACCOUNT_XML, content_type=XML_TYPE)

    with hook as entered:
        first = entered.get_conn()
        entered.get_account()

    assert hook.get_conn() is not first, "a fresh session after close"
    assert hook.get_account().sid == ACCOUNT_SID


def test_download_of_a_gzip_encoded_answer_writes_the_audio(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    """A proxy may gzip the audio: ``Content-Length`` then counts compressed bytes, not the audio's."""
    compressed = gzip.compress(WAV_BYTES)
    httpserver.expect_request(f"{API}/Recordings/{RECORDING_SID}.wav").respond_with_data(
        compressed, content_type="audio/x-wav", headers={"Content-Encoding": "gzip"}
    )
    buffer = io.BytesIO()

    written = hook.download_recording(RECORDING_SID, buffer)

    assert buffer.getvalue() == WAV_BYTES
    assert written == len(WAV_BYTES)


def test_download_into_a_named_pipe_writes_into_it_and_leaves_it_a_pipe(
    hook: Twilio2008Hook, httpserver: HTTPServer, tmp_path: Path
) -> None:
    import os
    import stat
    import threading

    path = f"{API}/Recordings/{RECORDING_SID}.wav"
    httpserver.expect_request(path, method="GET").respond_with_data(WAV_BYTES, content_type="audio/x-wav")
    pipe = tmp_path / "audio.fifo"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()

    written = hook.download_recording(RECORDING_SID, pipe)
    reader.join(timeout=10)

    assert written == len(WAV_BYTES) and received == [WAV_BYTES]
    assert stat.S_ISFIFO(pipe.stat().st_mode), "a device or pipe is never swapped for a regular file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audio.fifo"]


def test_page_links_that_loop_are_refused_instead_of_paging_forever(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    from werkzeug import Request, Response

    def looping(request: Request) -> Response:
        number = int(request.args.get("Page", "0"))
        following = 2 if number == 1 else 1
        if len(httpserver.log) >= 10:  # a client that does not notice the loop stops here, failing below
            following = 0
        link = f' nextpageuri="{CALLS}?num=1&amp;Page={following}"' if following else ' nextpageuri=""'
        body = (
            f'<TwilioResponse><Calls page="{number}" numpages="9" pagesize="1" total="9" start="{number}" '
            f'end="{number}"{link}><Call><Sid>{CALL_SID}</Sid><Status>2</Status></Call></Calls></TwilioResponse>'
        )
        return Response(body, content_type=XML_TYPE)

    httpserver.expect_request(CALLS).respond_with_handler(looping)

    with pytest.raises(Twilio2008ResponseError, match="loop back"):
        list(hook.list_calls(page_size=1))
    assert len(httpserver.log) == 3
