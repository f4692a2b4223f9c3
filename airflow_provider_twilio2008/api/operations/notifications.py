"""Notification (debug log) operations."""

from __future__ import annotations

from .. import paths, validate
from ..filters import NOTIFICATIONS
from ..records import (
    Notification,
    NotificationLog,
)
from ._common import (
    ApiRequest,
    DateLike,
    account_path,
    list_request,
)


def list_notifications(
    account_sid: str,
    *,
    call_sid: str | None = None,
    log: NotificationLog | int | str | None = None,
    created_on: DateLike | None = None,
    created_after: DateLike | None = None,
    created_before: DateLike | None = None,
    page_size: int = paths.DEFAULT_PAGE_SIZE,
) -> ApiRequest:
    """List notifications of the account or of one call (``Log`` and ``MessageDate`` filters, inferred)."""
    if call_sid is None:
        path = account_path(paths.NOTIFICATIONS, account_sid)
    else:
        path = account_path(
            paths.CALL_NOTIFICATIONS, account_sid, call_sid=validate.sid(call_sid, validate.CALL, "call_sid")
        )
    filters = NOTIFICATIONS.query(
        log=log, created_on=created_on, created_after=created_after, created_before=created_before
    )
    return list_request(path, Notification, filters, page_size)


def get_notification(account_sid: str, notification_sid: str) -> ApiRequest:
    """Fetch one notification, with its request and response details."""
    sid = validate.sid(notification_sid, validate.NOTIFICATION, "notification_sid")
    return ApiRequest(
        "GET", account_path(paths.NOTIFICATION, account_sid, notification_sid=sid), record=Notification
    )


def delete_notification(account_sid: str, notification_sid: str) -> ApiRequest:
    """Delete one notification."""
    sid = validate.sid(notification_sid, validate.NOTIFICATION, "notification_sid")
    return ApiRequest("DELETE", account_path(paths.NOTIFICATION, account_sid, notification_sid=sid))
