"""The emulator's lifecycles, in the order a restart resumes them: calls, SMS, transcriptions, validations.

Assembled here, above the parts that define the steps, so one part's step can follow another's
(an SMS is delivered by :mod:`.messaging.outgoing`, then its recipient's scripted reply arrives
through :mod:`.messaging.inbound`) without those parts importing each other. :func:`.app.build_app`
installs :data:`LIFECYCLES` on the emulator; see :mod:`.model.lifecycle` for the pattern.
"""

from __future__ import annotations

from ..api.records import Call, SmsMessage, Transcription, ValidationRequest
from .messaging import inbound, outgoing
from .model.lifecycle import Lifecycle, Lifecycles
from .telephony import calls, transcriptions, validations

__all__ = ["LIFECYCLES"]

LIFECYCLES = Lifecycles(
    [
        Lifecycle(Call, calls.run_call, pending=calls.is_queued, settle=calls.settle_interrupted),
        Lifecycle(
            SmsMessage,
            outgoing.deliver_sms,
            then=(outgoing.post_status_callback, inbound.send_callee_reply),
            pending=outgoing.has_work_left,
        ),
        Lifecycle(Transcription, transcriptions.finish_transcription, pending=transcriptions.has_work_left),
        Lifecycle(ValidationRequest, validations.validate_later),
    ]
)
