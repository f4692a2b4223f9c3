"""REST handlers for Notifications, the account's debug log.

Choices where the reference says *inferred*: filters ``Log`` and ``MessageDate`` (with
inequalities); lists leave ``RequestVariables``, ``ResponseHeaders`` and ``ResponseBody`` empty
(instance only); ``DELETE`` answers 204.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.responses import Response

from ..api import paths
from ..api.records import Notification
from .rest import Req, date_filter, exact_filter, lookup, newest_first, no_content, paginate, respond
from .state import Emulator

__all__ = ["ROUTES", "list_notification_records"]


def list_notification_records(emu: Emulator, req: Req, parent: str | None = None) -> list[Notification]:
    """Return the filtered notifications in list form (request/response details blanked).

    :param emu: the emulator.
    :param req: the request (filters ``Log`` and ``MessageDate``).
    :param parent: only those of this call.
    """
    records = [row.record for row in emu.store.find(Notification, req.account_sid, parent=parent)]
    exact = exact_filter(req, [("Log", lambda n: n.log)])
    dated = date_filter(req, "MessageDate", lambda n: n.message_date)
    chosen = [n for n in records if exact(n) and dated(n)]
    blanked = [replace(n, request_variables=None, response_headers=None, response_body=None) for n in chosen]
    return newest_first(blanked, "date_created")


async def list_notifications(emu: Emulator, req: Req) -> Response:
    """List notifications, filtered by Log and MessageDate."""
    return paginate(req, list_notification_records(emu, req), Notification)


def _notification_row(emu: Emulator, req: Req) -> Any:
    return lookup(emu, req, Notification, req.path_params["notification_sid"])


async def get_notification(emu: Emulator, req: Req) -> Response:
    """Fetch a notification with its request and response details."""
    return respond(req, _notification_row(emu, req).record)


async def delete_notification(emu: Emulator, req: Req) -> Response:
    """Delete a notification; 204."""
    emu.store.delete(_notification_row(emu, req))
    return no_content()


ROUTES = [
    (paths.NOTIFICATIONS, {"GET": list_notifications}),
    (paths.NOTIFICATION, {"GET": get_notification, "DELETE": delete_notification}),
]
