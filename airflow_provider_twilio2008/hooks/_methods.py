"""The base of the hook's method groups: what they may use of the hook."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .transport import Transport


class ResourceMethods:
    """A group of hook methods; each describes an operation and sends it through ``self.transport``."""

    if TYPE_CHECKING:

        @property
        def transport(self) -> Transport:
            """Return the hook's transport."""
            ...

        @property
        def account_sid(self) -> str:
            """Return the connection's Account SID."""
            ...

        def _from(self, from_: str | None, field: str, param: str) -> str:
            """Return ``from_`` or the connection's ``default_from``."""
            ...
