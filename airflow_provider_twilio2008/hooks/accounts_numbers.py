"""Account, caller ID and phone number methods of the hook."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import operations as ops
from ..api import paths
from ..api.operations import NumberSettings
from ..api.records import (
    Account,
    IncomingPhoneNumber,
    OutgoingCallerId,
    ValidationRequest,
)
from ._methods import ResourceMethods


class AccountMethods(ResourceMethods):
    """Account, caller ID and phone number methods of ``Twilio2008Hook``."""

    def get_account(self) -> Account:
        """Fetch the connection's account (``GET /Accounts/{AccountSid}``)."""
        return self.transport.record(ops.get_account(self.account_sid))

    def list_accounts(self, page_size: int = paths.DEFAULT_PAGE_SIZE) -> Iterator[Account]:
        """Iterate over the accounts these credentials see (``GET /Accounts``).

        :param page_size: records fetched per request, 1-1000 (``num``).
        """
        return self.transport.iterate(ops.list_accounts(page_size))

    def update_account(self, friendly_name: str) -> Account:
        """Rename the account (``POST /Accounts/{AccountSid}`` ``FriendlyName``).

        :param friendly_name: the new name, at most 64 characters.
        """
        return self.transport.record(ops.update_account(self.account_sid, friendly_name))

    def list_outgoing_caller_ids(
        self,
        *,
        phone_number: str | None = None,
        friendly_name: str | None = None,
        page_size: int = paths.DEFAULT_PAGE_SIZE,
    ) -> Iterator[OutgoingCallerId]:
        """Iterate over validated caller IDs.

        :param phone_number: only this number (exact match).
        :param friendly_name: only this label (exact match).
        :param page_size: records fetched per request, 1-1000 (``num``).
        """
        request = ops.list_outgoing_caller_ids(
            self.account_sid, phone_number=phone_number, friendly_name=friendly_name, page_size=page_size
        )
        return self.transport.iterate(request)

    def get_outgoing_caller_id(self, caller_id_sid: str) -> OutgoingCallerId:
        """Fetch one validated caller ID.

        :param caller_id_sid: its SID (``PN...``).
        """
        return self.transport.record(ops.get_outgoing_caller_id(self.account_sid, caller_id_sid))

    def start_caller_id_validation(
        self, phone_number: str, *, friendly_name: str | None = None, call_delay: int | None = None
    ) -> ValidationRequest:
        """Start validating a caller ID: Twilio phones it and expects the returned 6-digit code.

        :param phone_number: the number to validate.
        :param friendly_name: a label for it, at most 64 characters.
        :param call_delay: seconds (0-60) before Twilio calls.
        """
        request = ops.start_caller_id_validation(
            self.account_sid, phone_number, friendly_name=friendly_name, call_delay=call_delay
        )
        return self.transport.record(request)

    def update_outgoing_caller_id(self, caller_id_sid: str, friendly_name: str) -> OutgoingCallerId:
        """Rename a validated caller ID.

        :param caller_id_sid: its SID.
        :param friendly_name: the new label.
        """
        return self.transport.record(
            ops.update_outgoing_caller_id(self.account_sid, caller_id_sid, friendly_name)
        )

    def delete_outgoing_caller_id(self, caller_id_sid: str) -> None:
        """Remove a validated caller ID.

        :param caller_id_sid: its SID.
        """
        self.transport.no_content(ops.delete_outgoing_caller_id(self.account_sid, caller_id_sid))

    def list_incoming_phone_numbers(
        self,
        *,
        kind: str | None = None,
        phone_number: str | None = None,
        friendly_name: str | None = None,
        page_size: int = paths.DEFAULT_PAGE_SIZE,
    ) -> Iterator[IncomingPhoneNumber]:
        """Iterate over the account's numbers.

        :param kind: ``None`` for all, ``"local"`` or ``"toll-free"``.
        :param phone_number: only this number (exact match).
        :param friendly_name: only this label (exact match).
        :param page_size: records fetched per request, 1-1000 (``num``).
        """
        request = ops.list_incoming_phone_numbers(
            self.account_sid,
            kind=kind,
            phone_number=phone_number,
            friendly_name=friendly_name,
            page_size=page_size,
        )
        return self.transport.iterate(request)

    def get_incoming_phone_number(self, number_sid: str) -> IncomingPhoneNumber:
        """Fetch one of the account's numbers.

        :param number_sid: its SID (``PN...``).
        """
        return self.transport.record(ops.get_incoming_phone_number(self.account_sid, number_sid))

    def buy_local_number(
        self, area_code: str | None = None, settings: NumberSettings | None = None
    ) -> IncomingPhoneNumber:
        """Buy any available local number, optionally in an area code (``POST /IncomingPhoneNumbers/Local``).

        :param area_code: three digits, e.g. ``"415"``.
        :param settings: URLs and options for the number.
        """
        return self.transport.record(
            ops.buy_phone_number(self.account_sid, "local", area_code=area_code, settings=settings)
        )

    def buy_toll_free_number(
        self, area_code: str | None = None, settings: NumberSettings | None = None
    ) -> IncomingPhoneNumber:
        """Buy any available toll-free number (``POST /IncomingPhoneNumbers/TollFree``); voice settings only.

        :param area_code: a toll-free prefix such as ``"866"``.
        :param settings: voice URLs and options for the number.
        """
        request = ops.buy_phone_number(self.account_sid, "toll-free", area_code=area_code, settings=settings)
        return self.transport.record(request)

    def update_incoming_phone_number(self, number_sid: str, settings: NumberSettings) -> IncomingPhoneNumber:
        """Change a number's URLs and options; ``settings.url`` is required by the 2008 API.

        :param number_sid: its SID.
        :param settings: the fields to change.
        """
        return self.transport.record(ops.update_incoming_phone_number(self.account_sid, number_sid, settings))

    def release_incoming_phone_number(self, number_sid: str) -> None:
        """Release a number (``DELETE /IncomingPhoneNumbers/{Sid}``).

        :param number_sid: its SID.
        """
        self.transport.no_content(ops.release_incoming_phone_number(self.account_sid, number_sid))
