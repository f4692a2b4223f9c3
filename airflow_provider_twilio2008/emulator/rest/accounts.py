"""REST handlers for Accounts: the list (only the caller's) and the instance (rename)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ...api import paths
from ...api.parameters import UPDATE_ACCOUNT
from ...api.records import Account
from ..model.state import Emulator
from .endpoint import NOT_FOUND, Req, RestError, decoded, paginate, respond

__all__ = ["ROUTES"]


def _account(emu: Emulator, req: Req) -> Any:
    row = emu.store.get(Account, req.path_params["account_sid"])
    if row is None or row.record.sid != req.account_sid:
        raise RestError(404, NOT_FOUND)
    return row


async def list_accounts(emu: Emulator, req: Req) -> Response:
    """List accounts: only the authenticated one."""
    row = emu.store.get(Account, req.account_sid or "")
    return paginate(req, [row.record] if row else [], Account)


async def get_account(emu: Emulator, req: Req) -> Response:
    """Fetch the account."""
    return respond(req, _account(emu, req).record)


async def update_account(emu: Emulator, req: Req) -> Response:
    """Change the account's FriendlyName (its only updatable field)."""
    row = _account(emu, req)
    name = decoded(UPDATE_ACCOUNT, req.params)["friendly_name"]
    return respond(req, emu.store.update(row, friendly_name=name).record)


ROUTES = [
    (paths.ACCOUNTS, {"GET": list_accounts}),
    (paths.ACCOUNT, {"GET": get_account, "POST": update_account, "PUT": update_account}),
]
