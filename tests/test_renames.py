"""Pins :mod:`airflow_provider_twilio2008.renames`: an old class name imports, warns, is the new class."""

from __future__ import annotations

import importlib

import pytest
from airflow.exceptions import AirflowProviderDeprecationWarning

RENAMED = [
    ("airflow_provider_twilio2008.sensors.sms", "SmsReplySensor", "SMSReplySensor"),
    ("airflow_provider_twilio2008.notifications.sms", "Twilio2008SmsNotifier", "Twilio2008SMSNotifier"),
    ("airflow_provider_twilio2008.triggers.sms", "SmsReplyTrigger", "SMSReplyTrigger"),
]


@pytest.mark.parametrize(("module", "old", "new"), RENAMED, ids=[old for _m, old, _n in RENAMED])
def test_the_old_name_is_the_new_class_and_says_what_to_write(module: str, old: str, new: str) -> None:
    namespace = importlib.import_module(module)
    with pytest.warns(
        AirflowProviderDeprecationWarning, match=rf"{module}\.{old} is deprecated: use {module}\.{new}"
    ):
        value = getattr(namespace, old)
    assert value is getattr(namespace, new)


def test_the_old_name_imports_with_from_import() -> None:
    with pytest.warns(AirflowProviderDeprecationWarning, match="SMSReplySensor"):
        from airflow_provider_twilio2008.sensors.sms import SmsReplySensor
    assert SmsReplySensor.__name__ == "SMSReplySensor"


def test_a_name_never_defined_is_still_an_attribute_error() -> None:
    namespace = importlib.import_module("airflow_provider_twilio2008.sensors.sms")
    with pytest.raises(AttributeError, match="has no attribute 'SmsReplySensr'"):
        getattr(namespace, "SmsReplySensr")  # noqa: B009
