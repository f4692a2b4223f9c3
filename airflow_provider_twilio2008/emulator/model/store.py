"""Keep every emulated resource in one SQLite file, one row per record.

A row holds the record's wire text (``codec.encode`` of each field, keyed by attribute name),
so reading it back goes through the same codecs as the XML reader and nothing is lost or
reformatted. Internal state that is not part of the wire format (a call's ``Url``, a pending
redirect, an SMS ``StatusCallback``...) lives in the row's ``extra`` JSON.

Every text a row holds is XML-safe: a character XML 1.0 cannot carry is replaced by U+FFFD as
the row is written (:func:`...api.xml.xml_safe`; the REST and control endpoints refuse such input
before this point, see :mod:`..xml_text`), and rows are read back leniently (raw control
characters in the stored JSON are tolerated), so no stored value can make a read fail.

Durability: the store is used from the event-loop thread only, with one connection in
autocommit mode (every write is its own committed transaction) and the WAL journal, so many
concurrent HTTP clients lose no write and a restart with the same file keeps every record.
"""

from __future__ import annotations

import functools
import json
import secrets
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar, cast

import pendulum
from pendulum import DateTime

from ...api.records import Participant, Record, ValidationRequest
from ...api.xml import xml_safe

__all__ = ["Row", "Store", "new_sid", "now"]

R = TypeVar("R", bound=Record)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    sub TEXT NOT NULL DEFAULT '',
    account_sid TEXT NOT NULL,
    parent TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL,
    extra TEXT NOT NULL DEFAULT '{}',
    UNIQUE (kind, key, sub)
);
CREATE INDEX IF NOT EXISTS resources_by_account ON resources (kind, account_sid, parent);
"""


def new_sid(prefix: str) -> str:
    """Return a fresh SID: ``prefix`` and 32 lower-case hex digits.

    :param prefix: the two capital letters (``CA``).
    """
    return prefix + secrets.token_hex(16)


def now() -> DateTime:
    """Return the current time in UTC, to the second (the wire format has no fractions)."""
    return pendulum.now("UTC").replace(microsecond=0)


@dataclass
class Row:
    """A stored record with its bookkeeping.

    :param record: the typed record.
    :param extra: internal, non-wire state.
    :param seq: insertion order (stable across updates).
    :param parent: the SID of the resource this one is listed under, if any.
    :param sub: the second part of the key (segment SID, participant's CallSid), if any.
    """

    record: Any
    extra: dict[str, Any] = field(default_factory=dict)
    seq: int = 0
    parent: str = ""
    sub: str = ""


def key_of(record: Record) -> tuple[str, str]:
    """Return the ``(key, sub)`` a record is stored under.

    :param record: any record.
    """
    if isinstance(record, Participant):
        return record.conference_sid or "", record.call_sid
    if isinstance(record, ValidationRequest):
        return record.phone_number, ""
    sub = getattr(record, "call_segment_sid", None) or ""
    return record.sid, sub  # type: ignore[attr-defined]


def _encode(record: Record) -> str:
    data = {}
    for name, _element, codec in record.wire_fields():
        value = getattr(record, name)
        data[name] = None if value is None else xml_safe(codec.encode(value))
    return json.dumps(data)


def _decode(record_type: type[R], text: str) -> R:
    """Rebuild a record from its stored wire text (cached: records are frozen, rows rarely change).

    :param record_type: the record class.
    :param text: the stored JSON of its wire fields.
    """
    return cast(R, _decode_cached(record_type, text))


def _decode_uncached(record_type: type[Record], text: str) -> Record:
    """Rebuild a record from its stored wire text."""
    data = json.loads(text, strict=False)
    values = {}
    for name, _element, codec in record_type.wire_fields():
        raw = data.get(name)
        if raw is not None and raw != "":
            values[name] = codec.decode(raw)
    return record_type(**values)


# Record classes are hashable; typeshed's cache wrapper only sees ``Hashable`` arguments.
_decode_cached = cast(
    Callable[[type[Record], str], Record], functools.lru_cache(maxsize=65536)(_decode_uncached)
)


class Store:
    """SQLite-backed storage of records (one file, or a fresh temporary one).

    :param path: the SQLite file; created when missing.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the connection (every write is already committed)."""
        self._db.close()

    def put(self, record: Record, *, parent: str = "", extra: dict[str, Any] | None = None) -> Row:
        """Insert ``record``, or replace the stored one with the same key (keeping its order).

        :param record: the record to store; its account is ``account_sid`` (``sid`` for accounts).
        :param parent: the SID it is listed under (call of a recording, recording of a transcription...).
        :param extra: internal state; when ``None`` the stored extra is kept.
        """
        key, sub = key_of(record)
        account = getattr(record, "account_sid", None) or getattr(record, "sid", "")
        old = self._db.execute(
            "SELECT seq, parent, extra FROM resources WHERE kind=? AND key=? AND sub=?",
            (record.TAG, key, sub),
        ).fetchone()
        if old is None:
            extra_json = json.dumps(extra or {})
            cursor = self._db.execute(
                "INSERT INTO resources (kind, key, sub, account_sid, parent, data, extra)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (record.TAG, key, sub, account, parent, _encode(record), extra_json),
            )
            return Row(record, extra or {}, cursor.lastrowid or 0, parent, sub)
        seq, old_parent, old_extra = old
        merged = json.loads(old_extra) if extra is None else extra
        self._db.execute(
            "UPDATE resources SET data=?, extra=?, parent=? WHERE seq=?",
            (_encode(record), json.dumps(merged), parent or old_parent, seq),
        )
        return Row(record, merged, seq, parent or old_parent, sub)

    def update(self, row: Row, *, extra: dict[str, Any] | None = None, **changes: Any) -> Row:
        """Store ``row``'s record with ``changes`` applied (and ``DateUpdated`` set when it has one).

        :param row: a row read from this store.
        :param extra: keys to merge into the row's extra.
        :param changes: record fields to change.
        """
        if "date_updated" in {name for name, _e, _c in row.record.wire_fields()}:
            changes.setdefault("date_updated", now())
        record = replace(row.record, **changes)
        merged = dict(row.extra)
        merged.update(extra or {})
        return self.put(record, parent=row.parent, extra=merged)

    def get(
        self, record_type: type[R], key: str, sub: str = "", *, account_sid: str | None = None
    ) -> Row | None:
        """Return the stored row, or ``None`` (also when it belongs to another account).

        :param record_type: the record class.
        :param key: its SID (conference SID for participants, number for validations).
        :param sub: segment SID or participant CallSid.
        :param account_sid: when given, the row must belong to this account.
        """
        found = self._db.execute(
            "SELECT data, extra, seq, parent, sub, account_sid FROM resources"
            " WHERE kind=? AND key=? AND sub=?",
            (record_type.TAG, key, sub),
        ).fetchone()
        if found is None or (account_sid is not None and found[5] != account_sid):
            return None
        return Row(_decode(record_type, found[0]), json.loads(found[1]), found[2], found[3], found[4])

    def find(
        self,
        record_type: type[R],
        account_sid: str | None = None,
        *,
        parent: str | None = None,
        sub: str | None = None,
    ) -> list[Row]:
        """Return the rows of one kind in insertion order, optionally narrowed.

        :param record_type: the record class.
        :param account_sid: only this account's rows.
        :param parent: only rows listed under this SID.
        :param sub: only rows with this sub key (``""`` = initial call segments only).
        """
        sql = "SELECT data, extra, seq, parent, sub FROM resources WHERE kind=?"
        args: list[Any] = [record_type.TAG]
        for column, value in (("account_sid", account_sid), ("parent", parent), ("sub", sub)):
            if value is not None:
                sql += f" AND {column}=?"
                args.append(value)
        rows = self._db.execute(sql + " ORDER BY seq", args).fetchall()
        return [
            Row(_decode(record_type, data), json.loads(extra), seq, par, s)
            for data, extra, seq, par, s in rows
        ]

    def delete(self, row: Row) -> None:
        """Delete the stored row.

        :param row: a row read from this store.
        """
        self._db.execute("DELETE FROM resources WHERE seq=?", (row.seq,))

    def delete_kinds(self, kinds: Iterable[str]) -> None:
        """Delete every row of the given kinds (record ``TAG`` values).

        :param kinds: the kinds to wipe.
        """
        for kind in kinds:
            self._db.execute("DELETE FROM resources WHERE kind=?", (kind,))

    def delete_account_resources(self, account_sid: str, *, keep: str) -> None:
        """Delete every row of one account except those of kind ``keep`` (its Account row).

        :param account_sid: the account.
        :param keep: the kind (record ``TAG``) to keep.
        """
        self._db.execute("DELETE FROM resources WHERE account_sid=? AND kind<>?", (account_sid, keep))

    def count(self, record_type: type[Record]) -> int:
        """Return how many rows of one kind exist.

        :param record_type: the record class.
        """
        return self._db.execute("SELECT COUNT(*) FROM resources WHERE kind=?", (record_type.TAG,)).fetchone()[
            0
        ]
