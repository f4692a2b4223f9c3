"""Lifecycles: what happens to a stored record after it is created, and after a restart.

Every kind of record that lives on after its request was answered (a call rings, an SMS is
delivered, a transcription completes, a caller ID is validated) follows one pattern: store it
queued, start a task that moves it to its final state step by step (each step stored before the
next is taken), and, when the emulator restarts on the same database, start that task again for
every row left part-way. :class:`Lifecycle` describes one kind; :class:`Lifecycles` holds them
all, in the order a restart resumes them; the rest of the emulator calls
:meth:`.state.Emulator.begin` (``emu.begin(record, extra=...)``) instead of storing and
spawning by hand.

Each step reads the stored row and does only what is left, so running a lifecycle again on a row
that finished does nothing: that is what makes resuming safe. The registry is assembled above the
parts that define the steps (:mod:`..lifecycles`), so a step of one part (an SMS being
delivered) can be followed by a step of another (the recipient's scripted reply, an incoming
message) without the two parts importing each other.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ...api.records import Record
from .store import Row, key_of

if TYPE_CHECKING:
    from .state import Emulator

__all__ = ["Lifecycle", "Lifecycles", "Step"]

R = TypeVar("R", bound=Record)

#: One step of a lifecycle: given the emulator and the record's store key, do what is left.
Step = Callable[["Emulator", str], Coroutine[Any, Any, None]]


def _always(row: Row) -> bool:
    return True


@dataclass(frozen=True)
class Lifecycle:
    """How one kind of record lives on: its steps, and which rows a restart picks up again.

    :param record: the record class (one lifecycle per class).
    :param run: the step that moves a record to its final state.
    :param then: steps started each in a task of its own once ``run`` returns (a status
        callback, a scripted reply), so a slow one does not hold up another.
    :param pending: whether a row found at a restart still has work left (default: every row).
    :param settle: run once at a restart, before the pending rows resume, for what cannot resume
        (a call whose TwiML was under way is completed where it stood).
    """

    record: type[Record]
    run: Step
    then: tuple[Step, ...] = ()
    pending: Callable[[Row], bool] = _always
    settle: Callable[[Emulator], None] | None = None

    async def _live(self, emu: Emulator, key: str, account_sid: str) -> None:
        await self.run(emu, key)
        for step in self.then:
            emu.spawn(step(emu, key), account_sid)

    def start(self, emu: Emulator, key: str, account_sid: str) -> None:
        """Start the lifecycle of a stored record.

        :param emu: the emulator.
        :param key: the record's store key (its SID; the number of a validation request).
        :param account_sid: the record's account (its tasks stop with the account's reset).
        """
        emu.spawn(self._live(emu, key, account_sid), account_sid)

    def resume(self, emu: Emulator) -> None:
        """Settle what cannot resume, then start the lifecycle of every pending row again.

        :param emu: the emulator, just started on a database a previous run left.
        """
        if self.settle is not None:
            self.settle(emu)
        for row in emu.store.find(self.record):
            if self.pending(row):
                self.start(emu, key_of(row.record)[0], row.record.account_sid or "")


class Lifecycles:
    """The lifecycles of an emulator, one per record class, in the order a restart resumes them.

    :param lifecycles: the lifecycles; two for one record class is an error.
    """

    def __init__(self, lifecycles: Iterable[Lifecycle] = ()) -> None:
        self._by_record: dict[type[Record], Lifecycle] = {}
        for lifecycle in lifecycles:
            if lifecycle.record in self._by_record:
                raise ValueError(f"two lifecycles for {lifecycle.record.__name__}")
            self._by_record[lifecycle.record] = lifecycle

    def __iter__(self) -> Iterator[Lifecycle]:
        return iter(self._by_record.values())

    def of(self, record_type: type[Record]) -> Lifecycle:
        """Return the lifecycle of a record class.

        :param record_type: the record class.
        :raises LookupError: when none is registered (the app was built without it).
        """
        try:
            return self._by_record[record_type]
        except KeyError:
            raise LookupError(
                f"no lifecycle is registered for {record_type.__name__}: build the app with "
                "emulator.app.build_app, which installs emulator.lifecycles.LIFECYCLES"
            ) from None

    def begin(self, emu: Emulator, record: R, *, parent: str = "", extra: dict[str, Any] | None = None) -> R:
        """Store a new record and start its lifecycle; return the record.

        :param emu: the emulator.
        :param record: the record, in its first state (queued, in progress, pending).
        :param parent: the SID it is listed under, if any.
        :param extra: its internal state (the URL to fetch, a status callback...).
        """
        lifecycle = self.of(type(record))
        emu.store.put(record, parent=parent, extra=extra)
        lifecycle.start(emu, key_of(record)[0], getattr(record, "account_sid", None) or "")
        return record

    def resume(self, emu: Emulator) -> None:
        """Resume every lifecycle a previous run left part-way, in registration order.

        :param emu: the emulator, just started.
        """
        for lifecycle in self:
            lifecycle.resume(emu)
