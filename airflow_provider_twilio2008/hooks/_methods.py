"""The base of the hook's method groups: what they may use of the hook."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..api.config import ClientConfig
    from .transport import Transport


class ResourceMethods:
    """A group of hook methods; each describes an operation and sends it through ``self.transport``."""

    if TYPE_CHECKING:

        @property
        def transport(self) -> Transport:
            """Return the hook's transport."""
            ...

        @property
        def config(self) -> ClientConfig:
            """Return the connection's settings (``config.sender(from_)`` picks the caller)."""
            ...

        @property
        def account_sid(self) -> str:
            """Return the connection's Account SID."""
            ...
