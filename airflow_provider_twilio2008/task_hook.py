"""``Twilio2008TaskMixin``: what every operator and sensor of the provider shares about its hook.

One place for it: the task's ``twilio_conn_id``, the one :class:`Twilio2008Hook` it builds
when it first needs one (never at DAG parse time: this module imports no HTTP library), and
the rule that the hook's pooled connections are closed when ``execute`` (or
``execute_complete``) ends, however it ends, so a worker running many tasks keeps no sockets
open for tasks that are over.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

from .api.config import DEFAULT_CONN_ID
from .bad_input import fails_at_once

if TYPE_CHECKING:
    from .hooks.twilio2008 import Twilio2008Hook

__all__ = ["DEFAULT_CONN_ID", "Twilio2008TaskMixin"]


class Twilio2008TaskMixin:
    """Mixin of the provider's operators and sensors: ``twilio_conn_id`` and the task's hook.

    List it before ``BaseOperator`` (or the sensor base), set ``self.twilio_conn_id`` in
    ``__init__``, and run each ``execute`` body inside :meth:`running`.
    """

    twilio_conn_id: str = DEFAULT_CONN_ID

    @cached_property
    def hook(self) -> Twilio2008Hook:
        """Return the hook of ``twilio_conn_id``, built on first use (when the task runs)."""
        from .hooks.twilio2008 import Twilio2008Hook

        return Twilio2008Hook(self.twilio_conn_id)

    def close_hook(self) -> None:
        """Close the hook's pooled connections if a hook was built; the next use builds a new one."""
        hook = self.__dict__.pop("hook", None)
        if hook is not None:
            hook.close()

    @contextmanager
    def running(self) -> Iterator[None]:
        """Run one ``execute`` or ``execute_complete``: bad input fails at once, the hook closes after."""
        try:
            with fails_at_once():  # a malformed SID or argument fails at once: no retry can fix it
                yield
        finally:
            self.close_hook()
