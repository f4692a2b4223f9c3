"""Hold each ``requests`` attempt to its deadline by shutting its socket down when the deadline passes.

``requests`` bounds each socket read by the timeout but not a whole request, so a server
dripping a byte a second could hold one for ever. Each attempt is therefore watched: the
session's connections (see :class:`WatchedConnection`) tell the attempt's :class:`Watch` which
socket they use and when the request is fully sent, and one :class:`Watchdog` thread shuts that
socket down when the attempt's :class:`~airflow_provider_twilio2008.api.exchange.Deadline`
passes; the blocked read then fails at once and the transport reports it as the deadline.
"""

from __future__ import annotations

import heapq
import itertools
import os
import socket
import threading
import time
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager

from ..api.exchange import Deadline

#: The watch of the attempt each thread is sending, which its connections report to.
_current = threading.local()


class Watch:
    """One attempt's deadline, enforced by shutting down the socket its connection uses.

    :param deadline: when the attempt must be over.
    """

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.connection: HTTPConnection | None = None
        self.sent = False
        self.fired = False
        self.done = False
        self._lock = threading.Lock()

    def expire(self) -> bool:
        """Shut the socket down if the deadline has passed; return ``False`` if it was extended."""
        with self._lock:
            if self.done:
                return True
            if not self.deadline.passed():
                return False
            self.fired = True
            connection = self.connection
        # Only while the connection still serves this attempt (not after it went back to the pool).
        if connection is not None and getattr(connection, "_twilio2008_watch", None) is self:
            sock = connection.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        return True

    def detach(self) -> None:
        """Stop lending this watch to the connections this thread opens or sends on next."""
        if getattr(_current, "watch", None) is self:
            _current.watch = None

    def finish(self) -> None:
        """Stop watching: the attempt is over."""
        with self._lock:
            self.done = True
            self.connection = None


class Watchdog:
    """One daemon thread that expires the watches whose deadline has come, earliest first."""

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Watch]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, watch: Watch) -> None:
        """Watch ``watch`` until it is finished or expires.

        :param watch: the attempt's watch.
        """
        with self._cond:
            if len(self._heap) > 1024:  # finished watches wait for their deadline: sweep them out
                self._heap = [entry for entry in self._heap if not entry[2].done]
                heapq.heapify(self._heap)
            heapq.heappush(self._heap, (watch.deadline.ends, next(self._order), watch))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="twilio2008-deadlines", daemon=True)
                self._thread.start()
            if self._heap[0][2] is watch:  # the earliest deadline now: wake the thread to wait less
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                ends, _, watch = self._heap[0]
                wait = ends - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
            if not watch.expire():
                with self._cond:
                    heapq.heappush(self._heap, (watch.deadline.ends, next(self._order), watch))


_WATCHDOG = Watchdog()


def start_watch(timeout: float) -> Watch:
    """Start watching the requests this thread sends next with one attempt's deadline.

    :param timeout: the configured timeout (the deadline is a multiple of it).
    """
    watch = Watch(Deadline(timeout))
    _current.watch = watch
    _WATCHDOG.add(watch)
    return watch


class WatchedConnection(HTTPConnection):
    """An urllib3 connection that reports its socket and the end of sending to the current watch."""

    def _attach(self) -> Watch | None:
        watch: Watch | None = getattr(_current, "watch", None)
        if watch is not None:
            self._twilio2008_watch = watch
            watch.connection = self
        return watch

    def connect(self) -> None:
        """Open the connection under the current watch."""
        self._attach()
        super().connect()

    def request(self, *args: Any, **kwargs: Any) -> None:
        """Send the request under the current watch, then mark it fully sent."""
        watch = self._attach()
        super().request(*args, **kwargs)
        if watch is not None:
            watch.sent = True


class WatchedHTTPSConnection(WatchedConnection, HTTPSConnection):
    """The TLS twin of :class:`WatchedConnection`."""


class WatchedPool(HTTPConnectionPool):
    ConnectionCls = WatchedConnection


class WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


_POOLS: dict[str, type[HTTPConnectionPool]] = {"http": WatchedPool, "https": WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """The ``requests`` adapter whose pools (direct or through an HTTP proxy) use watched connections.

    A SOCKS proxy keeps its own connection classes: through one, only the per-read timeout applies.
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """Create the pool manager, then give it the watched pool classes."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        """Return the proxy manager for ``proxy``, with watched pools unless it is a SOCKS proxy."""
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, PoolManager) and not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _POOLS
        return manager
