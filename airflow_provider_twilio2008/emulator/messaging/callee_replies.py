"""Scripted replies: what an outgoing message stores when its recipient's script texts back.

A message the account sends (REST, voice or SMS TwiML) to a number whose
:class:`~..model.state.CalleeScript` has an ``sms_reply`` gets its reply planned when it reaches
``sent``: the text, the delay and the SID the reply will have are stored with the message, in the
same write as the status, so a restart neither loses the reply nor plans a second one. The reply
itself is received later by :func:`.inbound.send_callee_reply`, a step of the SMS lifecycle
(:mod:`..lifecycles`) that follows delivery: this module holds the plan both sides read, so the
outgoing side never imports the incoming one.
"""

from __future__ import annotations

from typing import Any

from ...api.records import SmsMessage
from ..model.state import Emulator
from ..model.store import Row, new_sid

__all__ = ["TEXT", "AFTER", "DONE", "SID", "plan", "pending"]

#: The row's ``extra`` keys of a planned reply: its text, its delay in simulated seconds, the
#: SID it will be stored under, and the mark set once it was received.
TEXT, AFTER, SID, DONE = "callee_reply", "callee_reply_after", "callee_reply_sid", "callee_reply_done"


def plan(emu: Emulator, message: SmsMessage) -> dict[str, Any]:
    """Return what to store with an outgoing message now ``sent`` so its recipient's script replies.

    ``{}`` when the recipient has no ``sms_reply``; else its text, delay and the reply's SID.

    :param emu: the emulator.
    :param message: the account's message that just reached ``sent``.
    """
    script = emu.callee(message.account_sid or "", message.to or "")
    if not script.sms_reply:
        return {}
    return {TEXT: script.sms_reply, AFTER: float(script.sms_reply_after), SID: new_sid("SM")}


def pending(row: Row) -> bool:
    """Tell whether a stored message has a planned reply not yet received.

    :param row: the account's outgoing message.
    """
    return bool(row.extra.get(TEXT)) and not row.extra.get(DONE)
