"""Lifecycles: a stored record's steps run in order, a restart resumes only what was left part-way."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from airflow_provider_twilio2008.api.records import Transcription, TranscriptionStatus, ValidationRequest
from airflow_provider_twilio2008.emulator.lifecycles import LIFECYCLES
from airflow_provider_twilio2008.emulator.model.lifecycle import Lifecycle, Lifecycles
from airflow_provider_twilio2008.emulator.model.state import Emulator
from airflow_provider_twilio2008.emulator.model.store import Store, new_sid

ACCOUNT = "AC" + "1" * 32


def _transcription(status: TranscriptionStatus) -> Transcription:
    return Transcription(sid=new_sid("TR"), account_sid=ACCOUNT, status=status)


@pytest.fixture
async def emu(tmp_path: Path) -> AsyncIterator[Emulator]:
    """Return an emulator on a fresh database, its event loop running; cancel its tasks after."""
    emulator = Emulator(Store(str(tmp_path / "state.db")), time_scale=1000.0, base_url="http://127.0.0.1:1")
    yield emulator
    await emulator.cancel_account_tasks(ACCOUNT)
    emulator.store.close()


async def _settled(emu: Emulator) -> None:
    """Wait until the emulator's background tasks (and the tasks they start) have ended."""
    while emu.tasks:
        await asyncio.gather(*list(emu.tasks))


async def test_begin_stores_the_record_then_runs_run_then_each_following_step(emu: Emulator) -> None:
    seen: list[tuple[str, str, str]] = []

    async def run(e: Emulator, key: str) -> None:
        row = e.store.get(Transcription, key)
        assert row is not None, "the record is stored before its lifecycle starts"
        seen.append(("run", key, row.extra["note"]))
        e.store.update(row, status=TranscriptionStatus.COMPLETED)

    async def callback(e: Emulator, key: str) -> None:
        row = e.store.get(Transcription, key)
        assert row is not None
        seen.append(("then", key, row.record.status.value))

    emu.lifecycles = Lifecycles([Lifecycle(Transcription, run, then=(callback,))])
    record = emu.begin(_transcription(TranscriptionStatus.IN_PROGRESS), parent="RE1", extra={"note": "hi"})
    await _settled(emu)

    assert seen == [("run", record.sid, "hi"), ("then", record.sid, "completed")]
    row = emu.store.get(Transcription, record.sid)
    assert row is not None and row.parent == "RE1"
    assert emu.account_tasks[ACCOUNT] == set(), "the steps ran as tasks of the record's account"


async def test_resume_settles_first_then_starts_only_the_pending_rows(emu: Emulator) -> None:
    order: list[str] = []
    left = emu.store.put(_transcription(TranscriptionStatus.IN_PROGRESS)).record
    emu.store.put(_transcription(TranscriptionStatus.COMPLETED))

    async def run(e: Emulator, key: str) -> None:
        order.append(f"run {key}")

    def settle(e: Emulator) -> None:
        order.append("settle")

    emu.lifecycles = Lifecycles(
        [
            Lifecycle(
                Transcription,
                run,
                pending=lambda row: row.record.status is TranscriptionStatus.IN_PROGRESS,
                settle=settle,
            )
        ]
    )
    emu.lifecycles.resume(emu)
    await _settled(emu)

    assert order == ["settle", f"run {left.sid}"]


async def test_a_lifecycle_keyed_by_number_is_started_with_its_store_key(emu: Emulator) -> None:
    keys: list[str] = []

    async def run(e: Emulator, key: str) -> None:
        keys.append(key)

    emu.lifecycles = Lifecycles([Lifecycle(ValidationRequest, run)])
    emu.begin(ValidationRequest(account_sid=ACCOUNT, phone_number="+14155550100", validation_code="123456"))
    await _settled(emu)

    assert keys == ["+14155550100"]


def test_two_lifecycles_for_one_record_class_are_refused() -> None:
    async def run(e: Emulator, key: str) -> None:
        return None

    with pytest.raises(ValueError, match="two lifecycles for Transcription"):
        Lifecycles([Lifecycle(Transcription, run), Lifecycle(Transcription, run)])


async def test_beginning_a_record_without_a_lifecycle_names_the_class_and_the_fix(emu: Emulator) -> None:
    with pytest.raises(LookupError, match=r"no lifecycle is registered for Transcription: build the app"):
        emu.begin(_transcription(TranscriptionStatus.IN_PROGRESS))
    assert emu.store.find(Transcription) == [], "nothing is stored that would never move on"


def test_the_emulator_resumes_calls_then_sms_then_transcriptions_then_validations() -> None:
    assert [lifecycle.record.__name__ for lifecycle in LIFECYCLES] == [
        "Call",
        "SmsMessage",
        "Transcription",
        "ValidationRequest",
    ]
