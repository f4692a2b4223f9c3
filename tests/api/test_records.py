"""Records and their enums (:mod:`airflow_provider_twilio2008.api.records`)."""

from __future__ import annotations

import json
import pickle
import re

import pytest

from airflow_provider_twilio2008.api import xml
from airflow_provider_twilio2008.api.records import ALL_RECORDS, Call, CallStatus, SmsMessage, SmsStatus

BY_TAG = {record.TAG: record for record in ALL_RECORDS} | {r.LIST_TAG: r for r in ALL_RECORDS if r.LIST_TAG}

# --- errors survive pickling and copying ------------------------------------------------------


def test_call_status_names_and_terminal_states() -> None:
    assert [s.is_terminal for s in CallStatus] == [False, False, True, True, True, True]
    assert [s.succeeded for s in CallStatus] == [False, False, True, False, False, False]
    assert CallStatus.BUSY.callback_value == "busy" and CallStatus.QUEUED.callback_value is None


def test_as_dict_of_every_reference_record_is_json_safe(reference_examples: list[str]) -> None:
    seen = set()
    for example in reference_examples:
        child = re.search(r"<TwilioResponse>\s*<(\w+)", example).group(1)
        if child == "RestException":
            continue
        record_type = BY_TAG[child]
        body = example.encode()
        records = (
            xml.parse_page(body, record_type).items
            if child == record_type.LIST_TAG
            else (xml.parse_record(body, record_type),)
        )
        for record in records:
            seen.add(type(record))
            data = record.as_dict()
            assert json.loads(json.dumps(data)) == data
            assert pickle.loads(pickle.dumps(record)) == record
    assert len(seen) >= 10
    assert {r.TAG for r in ALL_RECORDS} >= {r.TAG for r in seen}


def test_a_call_status_has_one_spelling_its_label_and_reads_back_from_it() -> None:
    labels = {status: status.label for status in CallStatus}
    assert labels == {
        CallStatus.QUEUED: "queued",
        CallStatus.IN_PROGRESS: "in-progress",
        CallStatus.COMPLETED: "completed",
        CallStatus.BUSY: "busy",
        CallStatus.FAILED: "failed",
        CallStatus.NO_ANSWER: "no-answer",
    }
    assert all(CallStatus.from_label(label) is status for status, label in labels.items())
    with pytest.raises(ValueError, match="'COMPLETED' is not a call status label"):
        CallStatus.from_label("COMPLETED")


def test_a_call_dict_carries_status_name_and_no_dict_spells_from_with_an_underscore() -> None:
    call = Call(sid="CA" + "a" * 32, status=CallStatus.NO_ANSWER)
    assert call.as_dict()["status_name"] == "no-answer" and call.as_dict()["status"] == 5
    sms = SmsMessage(sid="SM" + "a" * 32, status=SmsStatus.SENT, from_="4155550100")
    assert sms.as_dict()["from"] == "4155550100" and "from_" not in sms.as_dict()
