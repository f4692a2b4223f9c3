"""Every trigger's serialized class path imports, as the triggerer will import the stored string.

Pins the ``CLASSPATH`` of each trigger in :mod:`airflow_provider_twilio2008.triggers`: the
metadata database keeps that string for every deferred task, so a class moved without leaving
an import at its old path would strand those tasks; this test fails first.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from airflow.triggers.base import BaseTrigger

import airflow_provider_twilio2008.triggers as package
from airflow_provider_twilio2008.triggers.calls import CallCompletedTrigger, RecordingAvailableTrigger
from airflow_provider_twilio2008.triggers.sms import SMSReplyTrigger

CALL = "CA" + "a" * 32

BUILT = [
    CallCompletedTrigger(call_sid=CALL, failed_statuses=[3, 4, 5], twilio_conn_id="c", poll_interval=1),
    RecordingAvailableTrigger(
        call_sid=CALL, wait_for_transcription=True, grace_seconds=5, twilio_conn_id="c", poll_interval=1
    ),
    SMSReplyTrigger(
        from_="4155550134",
        to="5005550006",
        body_pattern="yes",
        since="2026-01-01T00:00:00+00:00",
        twilio_conn_id="c",
        poll_interval=1,
    ),
]


def import_string(classpath: str) -> type:
    """Import ``module.Class`` as the triggerer does."""
    module, _, name = classpath.rpartition(".")
    return getattr(importlib.import_module(module), name)


def public_triggers() -> set[type]:
    """Return every public trigger class defined in the package's modules."""
    found: set[type] = set()
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseTrigger)
                and value.__module__ == module.__name__
                and not name.startswith("_")
            ):
                found.add(value)
    return found


def test_every_public_trigger_is_checked_below() -> None:
    assert public_triggers() == {type(trigger) for trigger in BUILT}


@pytest.mark.parametrize("trigger", BUILT, ids=lambda t: type(t).__name__)
def test_the_serialized_class_path_imports_the_class_and_rebuilds_it(trigger: BaseTrigger) -> None:
    classpath, kwargs = trigger.serialize()
    assert classpath == trigger.CLASSPATH  # written out, never derived from where the class is now
    rebuilt = import_string(classpath)(**kwargs)
    assert type(rebuilt) is type(trigger)
    assert rebuilt.serialize() == (classpath, kwargs)


def test_a_trigger_stored_under_its_old_class_path_still_resumes() -> None:
    _classpath, kwargs = BUILT[2].serialize()
    with pytest.warns(DeprecationWarning, match="SMSReplyTrigger"):
        old = import_string("airflow_provider_twilio2008.triggers.sms.SmsReplyTrigger")
    assert old is SMSReplyTrigger and old(**kwargs).serialize() == BUILT[2].serialize()
