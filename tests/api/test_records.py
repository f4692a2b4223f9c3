"""Records and their enums (:mod:`airflow_provider_twilio2008.api.records`)."""

from __future__ import annotations

from airflow_provider_twilio2008.api.records import CallStatus


def test_call_status_names_and_terminal_states() -> None:
    assert [s.is_terminal for s in CallStatus] == [False, False, True, True, True, True]
    assert [s.succeeded for s in CallStatus] == [False, False, True, False, False, False]
    assert CallStatus.BUSY.callback_value == "busy" and CallStatus.QUEUED.callback_value is None
