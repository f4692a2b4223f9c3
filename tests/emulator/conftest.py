"""Fixtures of the emulator tests (their helpers live in :mod:`tests.emulator.helpers`)."""

from __future__ import annotations

import pytest

from airflow_provider_twilio2008.testing.plugin import EmulatorHandle
from tests.emulator.helpers import Api


@pytest.fixture
def api(twilio2008_emulator: EmulatorHandle) -> Api:
    """Return a client of a fresh emulator."""
    return Api(twilio2008_emulator)
