"""REST handlers for Notifications, the account's debug log, and the log of failed REST requests.

Reference 3.8: a notification is written while handling "your calls or your REST requests".
:func:`note_rest_failure` writes the second kind (the calls' own are written by
:mod:`..telephony.live_call`).

Choices where the reference says *inferred* or is silent:

- Filters ``Log`` and ``MessageDate`` (with inequalities); lists leave ``RequestVariables``,
  ``ResponseHeaders`` and ``ResponseBody`` empty (instance only); ``DELETE`` answers 204.
- A REST request is logged when it fails with a 4xx answer carrying a Twilio ``Code`` (the
  400s with a RestException code) and its credentials were valid: ``Log`` 0, empty ``CallSid``,
  ``ErrorCode`` = the code, ``MessageText`` = the ``Message``, ``RequestURL`` = the URL
  requested without its query, ``RequestMethod`` = the HTTP method sent, ``RequestVariables`` =
  the query and then the form fields, form-encoded, ``ResponseHeaders`` = its
  ``Content-Type``, ``ResponseBody`` = the error document as answered.
- Not logged: 401s (no account is known without valid credentials), 404s and 405s (they carry
  no code: a lookup of a missing SID is common when polling and would flood the log), 5xx
  (injected faults), and any failure of a request on the Notifications resources themselves,
  so that reading or deleting the log can never add to it.
- Credentials never reach a notification: fields named ``AuthToken``, ``Password`` or
  ``Authorization`` (any case, with or without ``_``) are dropped from ``RequestVariables``, and
  the account's Auth Token is replaced by ``[redacted]`` wherever it appears (URL, variables,
  response body).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from ...api import filters, paths
from ...api.records import Account, Notification, NotificationLog
from ..model.state import Emulator
from ..model.store import new_sid, now
from .endpoint import (
    Req,
    RestError,
    listed,
    lookup,
    newest_first,
    no_content,
    paginate,
    respond,
)

__all__ = ["NOTIFICATION_TEMPLATES", "ROUTES", "list_notification_records", "note_rest_failure"]

#: URI templates whose failed requests are never logged (reading the log must not grow it).
NOTIFICATION_TEMPLATES = frozenset({paths.NOTIFICATIONS, paths.NOTIFICATION, paths.CALL_NOTIFICATIONS})
#: Request fields never copied into a notification, compared lower-case without ``_``.
SECRET_FIELDS = frozenset({"authtoken", "password", "authorization"})
REDACTED = "[redacted]"


def list_notification_records(emu: Emulator, req: Req, parent: str | None = None) -> list[Notification]:
    """Return the filtered notifications in list form (request/response details blanked).

    :param emu: the emulator.
    :param req: the request (filters ``Log`` and ``MessageDate``).
    :param parent: only those of this call.
    """
    records = [row.record for row in emu.store.find(Notification, req.account_sid, parent=parent)]
    chosen = list(filter(listed(req, filters.NOTIFICATIONS), records))
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


def note_rest_failure(
    emu: Emulator,
    account_sid: str,
    *,
    template: str | None,
    url: str,
    method: str,
    variables: list[tuple[str, str]],
    error: RestError,
    response: Response,
) -> Notification | None:
    """Write the Notification of a failed REST request when the module docstring says so; return it.

    :param emu: the emulator.
    :param account_sid: the authenticated account.
    :param template: the URI template the path matched (``None`` when none did).
    :param url: the URL requested, without its query.
    :param method: the HTTP method sent.
    :param variables: the query and form pairs of the request.
    :param error: the error answered.
    :param response: the rendered answer.
    """
    if error.code is None or not 400 <= error.status < 500 or template in NOTIFICATION_TEMPLATES:
        return None
    row = emu.store.get(Account, account_sid)
    token = (row.record.auth_token or "") if row is not None else ""

    def scrub(text: str) -> str:
        return text.replace(token, REDACTED) if token else text

    kept = [
        (key, scrub(value))
        for key, value in variables
        if key.lower().replace("_", "") not in SECRET_FIELDS and (not token or token not in key)
    ]
    stamp = now()
    body = bytes(response.body).decode("utf-8", "replace")
    notification = Notification(
        sid=new_sid("NO"),
        date_created=stamp,
        date_updated=stamp,
        account_sid=account_sid,
        call_sid="",
        log=NotificationLog.ERROR,
        error_code=error.code,
        more_info=paths.more_info_url(error.code),
        message_text=scrub(error.message),
        message_date=stamp,
        request_url=scrub(url),
        request_method=method,
        request_variables=urlencode(kept),
        response_headers=f"Content-Type: {response.headers.get('content-type', '')}",
        response_body=scrub(body),
    )
    emu.store.put(notification)
    return notification


ROUTES = [
    (paths.NOTIFICATIONS, {"GET": list_notifications}),
    (paths.NOTIFICATION, {"GET": get_notification, "DELETE": delete_notification}),
]
