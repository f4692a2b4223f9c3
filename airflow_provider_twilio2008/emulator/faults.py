"""Inject transport faults into REST answers: 500s, 503s with Retry-After, latency, drops, truncation.

Faults apply only to the REST API (paths under ``/2008-08-01``), never to the built-in TwiML,
the control endpoint or the inbox, and are off by default. A :class:`FaultRule` can be limited
to a method, to a path pattern (a regular expression searched in the path) and to a number of
matching requests (``count``), e.g. "the next 1 GET on /Calls gets 503 Retry-After: 1".

Kinds:

- ``error500``: answer 500 with a RestException, without running the request.
- ``error503``: answer 503 with ``Retry-After: {retry_after}``, without running the request.
- ``latency``: wait ``latency_ms`` before handling the request (combines with other kinds).
- ``drop``: close the connection without any response. With ``after=true`` the request is
  run first (the resource is created) and only the answer is lost.
- ``truncate``: send the headers with the full ``Content-Length`` but only half the body, then
  close the connection (the client sees an incomplete read).
- ``cut``: send a well-formed HTTP answer whose body is the first half of the document
  (``Content-Length`` matches), so the client gets unparseable XML.
"""

from __future__ import annotations

import asyncio
import random
import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from ..api import paths
from ..api.representations import render
from ..api.xml import RestException

__all__ = ["KINDS", "FaultInjector", "FaultMiddleware", "FaultRule"]

KINDS = ("error500", "error503", "latency", "drop", "truncate", "cut")


@dataclass
class FaultRule:
    """One fault and the requests it applies to.

    :param kind: one of :data:`KINDS`.
    :param probability: chance (0-1) that a matching request gets the fault.
    :param count: how many more requests may get it (``None`` = unlimited); 0 retires the rule.
    :param method: only this HTTP method (after nothing: the raw method on the wire).
    :param path: only paths where this regular expression is found.
    :param retry_after: seconds written in ``Retry-After`` for ``error503``.
    :param latency_ms: delay for ``latency``.
    :param after: for ``drop``: run the request first, then drop the answer.
    """

    kind: str
    probability: float = 1.0
    count: int | None = None
    method: str | None = None
    path: str | None = None
    retry_after: int = 1
    latency_ms: int = 0
    after: bool = False
    _pattern: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {', '.join(KINDS)}")
        if not 0.0 <= float(self.probability) <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        self.probability = float(self.probability)
        self.method = self.method.upper() if self.method else None
        self._pattern = re.compile(self.path) if self.path else None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultRule:
        """Build a rule from its JSON form (the field names of this class).

        :param data: the decoded JSON object.
        """
        known = {"kind", "probability", "count", "method", "path", "retry_after", "latency_ms", "after"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(sorted(unknown))}")
        return cls(**data)

    def as_json(self) -> dict[str, Any]:
        """Return the JSON form of this rule."""
        data = asdict(self)
        data.pop("_pattern")
        return data

    def matches(self, method: str, path: str) -> bool:
        """Return whether this rule applies to a request (ignoring probability and count).

        :param method: the HTTP method.
        :param path: the request path.
        """
        if self.count is not None and self.count <= 0:
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
        self.injected = 0

    def replace(self, rules: list[FaultRule]) -> None:
        """Replace every rule.

        :param rules: the new rules.
        """
        with self._lock:
            self.rules = list(rules)

    def add(self, rules: list[FaultRule]) -> None:
        """Append rules.

        :param rules: the rules to add.
        """
        with self._lock:
            self.rules.extend(rules)

    def pick(self, method: str, path: str) -> list[FaultRule]:
        """Return the faults to apply to this request, consuming counted rules.

        :param method: the HTTP method.
        :param path: the request path.
        """
        chosen = []
        with self._lock:
            for rule in self.rules:
                if not rule.matches(method, path):
                    continue
                if rule.probability < 1.0 and self._random.random() >= rule.probability:
                    continue
                if rule.count is not None:
                    rule.count -= 1
                chosen.append(rule)
            self.rules = [rule for rule in self.rules if rule.count is None or rule.count > 0]
            self.injected += len([rule for rule in chosen if rule.kind != "latency"])
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
    """

    def __init__(self, app: Any, injector: FaultInjector) -> None:
        self.app = app
        self.injector = injector

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Handle one ASGI connection event, applying faults to REST requests."""
        if scope["type"] != "http" or not scope["path"].startswith(paths.ROOT):
            await self.app(scope, receive, send)
            return
        faults = self.injector.pick(scope["method"], scope["path"])
        if not faults:
            await self.app(scope, receive, send)
            return
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
