"""Account operations."""

from __future__ import annotations

from .. import paths
from ..parameters import UPDATE_ACCOUNT, encode
from ..records import (
    Account,
)
from ._common import (
    ApiRequest,
    account_path,
    list_request,
)


def list_accounts(page_size: int = paths.DEFAULT_PAGE_SIZE) -> ApiRequest:
    """List the accounts these credentials see (only the account itself)."""
    return list_request(paths.ACCOUNTS, Account, (), page_size)


def get_account(account_sid: str) -> ApiRequest:
    """Fetch the account."""
    return ApiRequest("GET", account_path(paths.ACCOUNT, account_sid), record=Account)


def update_account(account_sid: str, friendly_name: str) -> ApiRequest:
    """Rename the account (``FriendlyName`` is its only updatable field)."""
    form = encode(UPDATE_ACCOUNT, friendly_name=friendly_name)
    return ApiRequest("POST", account_path(paths.ACCOUNT, account_sid), form=form, record=Account)
