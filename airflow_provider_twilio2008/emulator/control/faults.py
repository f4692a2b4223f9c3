"""Inject transport faults into REST answers: 500s, 503s with Retry-After, latency, drops, truncation.

Faults apply only to the REST API (paths under ``/2008-08-01``), never to the built-in TwiML,
the control endpoint or the inbox, and are off by default. A :class:`FaultRule` can be limited
to a method, to a path pattern and to a number of matching requests (``count``), e.g. "the next
1 GET on /Calls gets 503 Retry-After: 1".

Every rule belongs to one account and applies only to REST requests carrying that account's
valid credentials: rules added through ``POST /_emulator/faults`` belong to the caller; the
rules of the ``--fault-*`` flags (and of the pytest factory's ``faults=``) to the account the
server starts with. Requests without valid credentials never get a fault. ``injected`` counts
per account too.

The path pattern is a regular-expression subset matched without backtracking, in time linear
in the path (:mod:`...api.pattern`: ``/Calls$``, ``RE[0-9a-f]+\\.wav$``, ``(/CA[0-9a-f]{32})?``
work; backreferences and lookarounds are refused), so no pattern can stall the server.

Kinds:

- ``error500``: answer 500 with a RestException, without running the request.
- ``error503``: answer 503 with ``Retry-After: {retry_after}``, without running the request.
- ``latency``: wait ``latency_ms`` before handling the request (combines with other kinds). The
  request body is read first, so a request whose client gives up during the wait still runs,
  as a request that reached Twilio did: a create can land after the client's timeout.
- ``drop``: close the connection without any response. With ``after=true`` the request is
  run first (the resource is created) and only the answer is lost.
- ``truncate``: send the headers with the full ``Content-Length`` but only half the body, then
  close the connection (the client sees an incomplete read).
- ``cut``: send a well-formed HTTP answer whose body is the first half of the document
  (``Content-Length`` matches), so the client gets unparseable XML.

Field types are checked when a rule is made (a ``ValueError`` naming the field): ``probability``
a number from 0 to 1, ``count`` a whole number >= 0 or null, ``method`` an HTTP method name,
``path`` a pattern string, ``retry_after`` whole seconds up to :data:`MAX_RETRY_AFTER`,
``latency_ms`` whole milliseconds up to :data:`MAX_LATENCY_MS`, ``after`` true or false.
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...api import paths
from ...api.pattern import Pattern, PatternError
from ...api.representations import render
from ...api.xml import RestException
from ..bodies import FORM_LIMIT

__all__ = ["KINDS", "MAX_LATENCY_MS", "MAX_RETRY_AFTER", "FaultInjector", "FaultMiddleware", "FaultRule"]

KINDS = ("error500", "error503", "latency", "drop", "truncate", "cut")
#: Longest ``latency_ms`` of a rule (five minutes).
MAX_LATENCY_MS = 300_000
#: Largest ``retry_after`` of a rule (a day).
MAX_RETRY_AFTER = 86_400
#: Largest ``count`` of a rule.
MAX_COUNT = 1_000_000_000
#: The JSON fields of a rule.
JSON_FIELDS = ("kind", "probability", "count", "method", "path", "retry_after", "latency_ms", "after")
_METHOD = re.compile(r"[A-Za-z]{1,16}")


def _whole(name: str, value: Any, maximum: int, *, nullable: bool = False) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        accepted = f"a whole number from 0 to {maximum}" + (" or null" if nullable else "")
        raise ValueError(f"{name} must be {accepted}, got {value!r}")
    return value


@dataclass
class FaultRule:
    """One fault and the requests it applies to.

    :param kind: one of :data:`KINDS`.
    :param probability: chance (0-1) that a matching request gets the fault.
    :param count: how many more requests may get it (``None`` = unlimited); 0 retires the rule.
    :param method: only this HTTP method (after nothing: the raw method on the wire).
    :param path: only paths where this pattern is found (:mod:`...api.pattern`).
    :param retry_after: seconds written in ``Retry-After`` for ``error503``.
    :param latency_ms: delay for ``latency``.
    :param after: for ``drop``: run the request first, then drop the answer.
    :param account_sid: the account whose requests it applies to (``None``: every account's;
        never set from JSON).
    """

    kind: str
    probability: float = 1.0
    count: int | None = None
    method: str | None = None
    path: str | None = None
    retry_after: int = 1
    latency_ms: int = 0
    after: bool = False
    account_sid: str | None = None
    _pattern: Pattern | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {', '.join(KINDS)}")
        probability = self.probability
        if (
            isinstance(probability, bool)
            or not isinstance(probability, int | float)
            or not math.isfinite(probability)
            or not 0.0 <= probability <= 1.0
        ):
            raise ValueError(f"probability must be a number between 0 and 1, got {probability!r}")
        self.probability = float(probability)
        self.count = _whole("count", self.count, MAX_COUNT, nullable=True)
        if self.method is not None and (
            not isinstance(self.method, str) or not _METHOD.fullmatch(self.method)
        ):
            raise ValueError(f"method must be an HTTP method name such as GET or POST, got {self.method!r}")
        self.method = self.method.upper() if self.method else None
        self.retry_after = _whole("retry_after", self.retry_after, MAX_RETRY_AFTER) or 0
        self.latency_ms = _whole("latency_ms", self.latency_ms, MAX_LATENCY_MS) or 0
        if not isinstance(self.after, bool):
            raise ValueError(f"after must be true or false, got {self.after!r}")
        if self.path is not None and not isinstance(self.path, str):
            raise ValueError(f"path must be a pattern string or null, got {self.path!r}")
        try:
            self._pattern = Pattern(self.path) if self.path else None
        except PatternError as error:
            raise ValueError(f"path {error}") from None

    @classmethod
    def from_json(cls, data: Any) -> FaultRule:
        """Build a rule from its JSON form (the field names of this class, but ``account_sid``).

        :param data: the decoded JSON object.
        :raises ValueError: naming the field that is wrong.
        """
        if not isinstance(data, dict):
            raise ValueError(
                f'a fault rule must be a JSON object such as {{"kind": "error500"}}, got {data!r}'
            )
        unknown = set(data) - set(JSON_FIELDS)
        if unknown:
            names = ", ".join(sorted(map(str, unknown)))
            raise ValueError(f"unknown fault field(s): {names}; expected {', '.join(JSON_FIELDS)}")
        if "kind" not in data:
            raise ValueError(f"kind is required: one of {', '.join(KINDS)}")
        return cls(**data)

    def as_json(self) -> dict[str, Any]:
        """Return the JSON form of this rule."""
        return {name: getattr(self, name) for name in JSON_FIELDS}

    def matches(self, method: str, path: str, account_sid: str | None) -> bool:
        """Return whether this rule applies to a request (ignoring probability and count).

        :param method: the HTTP method.
        :param path: the request path.
        :param account_sid: the account whose valid credentials came with it (``None``: none).
        """
        if self.count is not None and self.count <= 0:
            return False
        if self.account_sid is not None and self.account_sid != account_sid:
            return False
        if self.method and self.method != method.upper():
            return False
        return not (self._pattern and not self._pattern.search(path))


class FaultInjector:
    """The active fault rules, with a seeded random source so runs are reproducible.

    :param rules: the initial rules (from CLI flags).
    :param seed: seed of the random source.
    """

    def __init__(self, rules: list[FaultRule] | None = None, *, seed: int | None = None) -> None:
        self.rules: list[FaultRule] = list(rules or [])
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        #: Faults injected (latency aside) per account (``None``: rules of no account).
        self.injected_by: dict[str | None, int] = {}

    @property
    def injected(self) -> int:
        """Return how many faults were injected in all (latency aside)."""
        return sum(self.injected_by.values())

    def rules_of(self, account_sid: str) -> list[FaultRule]:
        """Return the rules of one account.

        :param account_sid: the account.
        """
        return [rule for rule in self.rules if rule.account_sid == account_sid]

    def replace(self, rules: list[FaultRule], account_sid: str | None = None) -> None:
        """Replace every rule of one account (of every account when ``account_sid`` is ``None``).

        :param rules: the new rules.
        :param account_sid: whose rules are replaced.
        """
        with self._lock:
            kept = [] if account_sid is None else [r for r in self.rules if r.account_sid != account_sid]
            self.rules = kept + list(rules)

    def add(self, rules: list[FaultRule]) -> None:
        """Append rules.

        :param rules: the rules to add.
        """
        with self._lock:
            self.rules.extend(rules)

    def pick(self, method: str, path: str, account_sid: str | None = None) -> list[FaultRule]:
        """Return the faults to apply to this request, consuming counted rules.

        :param method: the HTTP method.
        :param path: the request path.
        :param account_sid: the account whose valid credentials came with it.
        """
        chosen = []
        with self._lock:
            for rule in self.rules:
                if not rule.matches(method, path, account_sid):
                    continue
                if rule.probability < 1.0 and self._random.random() >= rule.probability:
                    continue
                if rule.count is not None:
                    rule.count -= 1
                chosen.append(rule)
            self.rules = [rule for rule in self.rules if rule.count is None or rule.count > 0]
            for rule in chosen:
                if rule.kind != "latency":
                    self.injected_by[rule.account_sid] = self.injected_by.get(rule.account_sid, 0) + 1
        return chosen


def _transport(send: Any) -> Any:
    """Return the asyncio transport behind uvicorn's ``send`` (its bound cycle holds it)."""
    cycle = getattr(send, "__self__", None)
    return getattr(cycle, "transport", None)


async def _close(send: Any) -> None:
    transport = _transport(send)
    if transport is not None:
        transport.close()
    # Let the protocol see the connection as lost, so uvicorn writes no 500 of its own.
    for _ in range(3):
        await asyncio.sleep(0)


class FaultMiddleware:
    """ASGI middleware applying a :class:`FaultInjector` to the REST API.

    It must be the outermost layer so that ``send`` is uvicorn's own (dropping a connection
    needs its transport).

    :param app: the wrapped ASGI app.
    :param injector: the rules.
    :param account_of: returns the account whose valid credentials a request (its ASGI scope)
        carries, or ``None``.
    """

    def __init__(
        self, app: Any, injector: FaultInjector, account_of: Callable[[dict[str, Any]], str | None]
    ) -> None:
        self.app = app
        self.injector = injector
        self.account_of = account_of

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Handle one ASGI connection event, applying faults to REST requests."""
        if scope["type"] != "http" or not scope["path"].startswith(paths.ROOT) or not self.injector.rules:
            await self.app(scope, receive, send)
            return
        faults = self.injector.pick(scope["method"], scope["path"], self.account_of(scope))
        if not faults:
            await self.app(scope, receive, send)
            return
        if any(rule.kind == "latency" and rule.latency_ms > 0 for rule in faults):
            # The request arrived before the delay: it runs even if the client gives up meanwhile.
            receive = await _arrived(receive)
            for rule in faults:
                if rule.kind == "latency" and rule.latency_ms > 0:
                    await asyncio.sleep(rule.latency_ms / 1000)
        kinds = {rule.kind: rule for rule in faults if rule.kind != "latency"}
        if "drop" in kinds and not kinds["drop"].after:
            await _close(send)
            return
        for kind, status in (("error500", 500), ("error503", 503)):
            if kind in kinds:
                await self._error(send, status, kinds[kind])
                return
        if "drop" in kinds:
            await self.app(scope, receive, _swallow)
            await _close(send)
            return
        if "truncate" in kinds or "cut" in kinds:
            await self._shortened(scope, receive, send, cut="cut" in kinds)
            return
        await self.app(scope, receive, send)

    async def _error(self, send: Any, status: int, rule: FaultRule) -> None:
        message = "Internal server error (injected)" if status == 500 else "Service unavailable (injected)"
        body, media_type = render("xml", RestException(status, message))
        headers = [(b"content-type", media_type.encode()), (b"content-length", str(len(body)).encode())]
        if status == 503:
            headers.append((b"retry-after", str(rule.retry_after).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _shortened(self, scope: dict[str, Any], receive: Any, send: Any, *, cut: bool) -> None:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        half = body[: len(body) // 2]
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        length = len(half) if cut else len(body)
        headers.append((b"content-length", str(length).encode()))
        await send({"type": "http.response.start", "status": start.get("status", 200), "headers": headers})
        if cut:
            await send({"type": "http.response.body", "body": half})
            return
        await send({"type": "http.response.body", "body": half, "more_body": True})
        await _close(send)


async def _swallow(message: dict[str, Any]) -> None:
    """Discard an ASGI message (the answer of a request whose connection is dropped after)."""


async def _arrived(receive: Any) -> Any:
    """Read the request's body now (up to just over the form cap) and return a receive that replays it.

    :param receive: the ASGI receive callable of the request.
    """
    buffered: list[dict[str, Any]] = []
    size = 0
    while size <= FORM_LIMIT:
        message = await receive()
        buffered.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
        size += len(message.get("body", b""))

    async def replay() -> dict[str, Any]:
        return buffered.pop(0) if buffered else await receive()

    return replay
