"""``Twilio2008Link``: a task's "Twilio" button, opening the call or SMS the task created.

How it travels: the operator that creates a call or message calls :func:`push_link` with the
connection's base URL and the new SID; the URL is stored as an XCom under :data:`LINK_XCOM_KEY`,
which is also the link's ``xcom_key``. That is the key Airflow 3 itself uses: when a task
finishes, the task runner calls :meth:`Twilio2008Link.get_link` and stores its answer under
``xcom_key``, and the API server later reads only that XCom (it never imports this class) to
draw the button. So the URL is computed once, on the worker, where the connection is known.

Where it points:

- a loopback host (``localhost``, ``127.0.0.0/8``, ``::1``: the local emulator) - the
  emulator's web inbox, ``{base_url}/#{sid}``. The fragment names the call or message; it never
  carries credentials (the inbox asks for them itself, or keeps them from an earlier visit).
- any other host - Twilio's own site. The 2008-era account portal showed a call at
  ``https://www.twilio.com/user/account/log/calls/{sid}`` and an SMS at
  ``https://www.twilio.com/user/account/log/sms/{sid}``; those are the URLs used (today's
  console redirects old account URLs after sign-in). Chosen by the SID's prefix: ``CA`` is a
  call, ``SM`` a message.

This module imports only ``airflow.sdk`` and the protocol core's validators: operator modules
import it at DAG parse time.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from airflow.sdk import BaseOperatorLink

from .api import validate
from .api.errors import Twilio2008ValidationError

if TYPE_CHECKING:
    from airflow.sdk import BaseOperator
    from airflow.sdk.types import TaskInstanceKey

__all__ = [
    "LINK_ATTRIBUTE",
    "LINK_NAME",
    "LINK_XCOM_KEY",
    "TWILIO_LOG_URLS",
    "Twilio2008Link",
    "link_for",
    "no_link_yet",
    "push_link",
]

#: The button's label.
LINK_NAME = "Twilio"
#: The XCom key holding the URL (Airflow's default key for this class, ``_link_<class name>``).
LINK_XCOM_KEY = "_link_Twilio2008Link"
#: Where the running task keeps its URL too, so that the task runner's end-of-task
#: :meth:`Twilio2008Link.get_link` (same process, same operator) needs no XCom read, and a task
#: that created nothing has ``""`` there instead of an XCom lookup that logs "XCom not found".
LINK_ATTRIBUTE = "_twilio2008_link_url"
#: Twilio's 2008-era account log pages, by SID prefix.
TWILIO_LOG_URLS = {
    validate.CALL.prefix: "https://www.twilio.com/user/account/log/calls/{sid}",
    validate.SMS.prefix: "https://www.twilio.com/user/account/log/sms/{sid}",
}

log = logging.getLogger(__name__)


def link_for(base_url: str, sid: str) -> str:
    """Return the URL showing the call or SMS ``sid`` of an account reached at ``base_url``.

    :param base_url: the connection's base URL (``hook.config.base_url``), e.g.
        ``https://api.twilio.com`` or ``http://127.0.0.1:8008``.
    :param sid: a call SID (``CA...``) or an SMS message SID (``SM...``).
    :raises Twilio2008ValidationError: ``sid`` is neither.
    """
    kind = validate.CALL if isinstance(sid, str) and sid.startswith(validate.CALL.prefix) else validate.SMS
    try:
        sid = validate.sid(sid, kind, "sid")
    except Twilio2008ValidationError:
        raise Twilio2008ValidationError(
            "sid",
            f"{sid!r:.40} is neither a call nor an SMS message SID",
            "'CA' or 'SM' followed by 32 lower-case hex digits",
        ) from None
    host = urlsplit(base_url).hostname or ""
    if validate.is_loopback_host(host):
        return f"{base_url.rstrip('/')}/#{sid}"
    return TWILIO_LOG_URLS[kind.prefix].format(sid=sid)


def push_link(context: Any, base_url: str, sid: str | Sequence[str]) -> str:
    """Store the link to what a task created, for its "Twilio" button; return the URL.

    Call it from ``execute`` of an operator that lists ``Twilio2008Link()`` in
    ``operator_extra_links``, once the call or message exists.

    :param context: the task's context (its ``ti`` pushes the XCom).
    :param base_url: the connection's base URL (``hook.config.base_url``).
    :param sid: the SID created; for an SMS sent to several numbers, the list of SIDs: the button
        opens the first one (a task has one button), and the log says so.
    :raises Twilio2008ValidationError: no SID, or one that is neither a call nor an SMS SID.
    """
    if isinstance(sid, str):
        first = sid
    else:
        sids = list(sid)
        if not sids:
            raise Twilio2008ValidationError("sid", "empty list", "at least one call or SMS message SID")
        first = sids[0]
        if len(sids) > 1:
            log.info("%d SIDs created; the %s link opens the first, %s", len(sids), LINK_NAME, first)
    url = link_for(base_url, first)
    context["ti"].xcom_push(key=LINK_XCOM_KEY, value=url)
    task = context.get("task")
    if task is not None:
        setattr(task, LINK_ATTRIBUTE, url)
    return url


def no_link_yet(task: Any) -> None:
    """Note that ``task`` has created nothing yet (its link is ``""`` until :func:`push_link`).

    Call it first thing in ``execute``: a task that then fails before creating anything shows no
    link without the end-of-task lookup of an XCom that does not exist.

    :param task: the operator.
    """
    setattr(task, LINK_ATTRIBUTE, "")


class Twilio2008Link(BaseOperatorLink):
    """Operator extra link "Twilio": opens the call or SMS the task created.

    Add ``operator_extra_links = (Twilio2008Link(),)`` to the operator and call
    :func:`push_link` in its ``execute``. A task that created nothing (it failed first) shows
    no link.
    """

    name = LINK_NAME

    @property
    def xcom_key(self) -> str:
        """Return the XCom key of the URL (the one :func:`push_link` writes)."""
        return LINK_XCOM_KEY

    def get_link(self, operator: BaseOperator, *, ti_key: TaskInstanceKey) -> str:
        """Return the URL the task stored, or ``""`` when it stored none.

        :param operator: the task's operator (holds the URL when this process ran its ``execute``).
        :param ti_key: the task instance whose link is wanted.
        """
        known = getattr(operator, LINK_ATTRIBUTE, None)
        if isinstance(known, str):
            return known  # this process ran execute: the URL it pushed, or "" for nothing created

        from airflow.sdk.execution_time.xcom import XCom

        url = XCom.get_value(ti_key=ti_key, key=LINK_XCOM_KEY)
        return url if isinstance(url, str) else ""
