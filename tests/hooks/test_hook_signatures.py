"""Every hook method mirrors its request builder in ``api.operations``: names, order, defaults, kinds.

A hook method is a thin wrapper: it fills in the account SID, sends the operation's request and
parses the answer. Its parameters must therefore be the operation's, minus the leading
``account_sid``, with the same defaults, so that a default (a page size, an HTTP method) can never
differ between ``hook.list_calls()`` and ``hook.get_page(ops.list_calls(hook.account_sid))``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from airflow_provider_twilio2008.api import operations as ops
from airflow_provider_twilio2008.api import paths

from .fakes import public_hook_methods


@dataclass(frozen=True)
class Alias:
    """A hook method named differently from its operation.

    :param operation: the operation's name in :mod:`airflow_provider_twilio2008.api.operations`.
    :param bound: operation parameters the hook method fixes itself (``kind="local"``, ``muted=True``).
    :param hook_only: hook parameters the operation has no use for (where to write the audio).
    """

    operation: str
    bound: frozenset[str] = frozenset()
    hook_only: frozenset[str] = frozenset()


#: Hook methods whose operation has another name; every other hook method has its operation's name.
ALIASES: dict[str, Alias] = {
    "buy_local_number": Alias("buy_phone_number", bound=frozenset({"kind"})),
    "buy_toll_free_number": Alias("buy_phone_number", bound=frozenset({"kind"})),
    "mute_participant": Alias("set_participant_muted", bound=frozenset({"muted"})),
    "unmute_participant": Alias("set_participant_muted", bound=frozenset({"muted"})),
    "download_recording": Alias("recording_media", hook_only=frozenset({"destination"})),
    "get_transcription_text": Alias("transcription_text"),
}

#: Public hook methods that wrap no single operation, and why.
NOT_OPERATIONS: dict[str, str] = {
    "close": "closes the HTTP session",
    "get_conn": "returns the HTTP session",
    "get_page": "sends any list request it is given",
    "send_request": "sends any request it is given",
    "test_connection": "Airflow's connection test (it calls get_account)",
    "server_now": "reads the API server's clock from Date headers (it calls get_account when needed)",
}

#: Parameters the hook takes positionally for convenience (``hook.make_call(to, from_, url)``,
#: ``hook.list_recordings(call.sid)``) where the operation insists on keywords. Every other
#: parameter has the same kind in both.
POSITIONAL_IN_HOOK_ONLY: frozenset[tuple[str, str]] = frozenset(
    {
        ("make_call", "to"),
        ("make_call", "from_"),
        ("make_call", "url"),
        ("send_sms", "to"),
        ("send_sms", "body"),
        ("send_sms", "from_"),
        ("send_sms", "status_callback"),
        ("list_recordings", "call_sid"),
        ("list_notifications", "call_sid"),
        ("list_transcriptions", "recording_sid"),
        ("buy_local_number", "area_code"),
        ("buy_local_number", "settings"),
        ("buy_toll_free_number", "area_code"),
        ("buy_toll_free_number", "settings"),
    }
)

HOOK_METHODS = public_hook_methods()
MIRRORING = sorted(name for name in HOOK_METHODS if name not in NOT_OPERATIONS)


def operation_name(method: str) -> str:
    """Return the name of the operation a hook method wraps.

    :param method: the hook method's name.
    """
    alias = ALIASES.get(method)
    return alias.operation if alias else method


def operation_functions() -> dict[str, Callable[..., Any]]:
    """Return every request builder of :mod:`~airflow_provider_twilio2008.api.operations`, by name.

    A request builder is a public function of the package that returns an ``ApiRequest``;
    ``next_page_request`` (which may return ``None``) and the classes are not.
    """
    return {
        name: value
        for name, value in vars(ops).items()
        if inspect.isfunction(value)
        and not name.startswith("_")
        and value.__module__.startswith(ops.__name__)
        and inspect.signature(value).return_annotation == "ApiRequest"
    }


def mirrored_parameters(method: str) -> tuple[list[inspect.Parameter], list[inspect.Parameter]]:
    """Return the hook method's and its operation's parameters that must correspond, in order.

    Left out: the hook's ``self``, the operation's leading ``account_sid`` (the hook fills it in),
    the operation parameters an alias binds and the hook parameters only an alias has.

    :param method: the hook method's name.
    """
    alias = ALIASES.get(method, Alias(method))
    hook_params = list(inspect.signature(HOOK_METHODS[method]).parameters.values())
    assert hook_params[0].name == "self"
    op_params = list(inspect.signature(getattr(ops, alias.operation)).parameters.values())
    if op_params and op_params[0].name == "account_sid":
        op_params = op_params[1:]
    hook_side = [p for p in hook_params[1:] if p.name not in alias.hook_only]
    op_side = [p for p in op_params if p.name not in alias.bound]
    return hook_side, op_side


def test_every_public_hook_method_is_mapped() -> None:
    """A new hook method must wrap an operation of the same name, get an alias, or say why it has none."""
    unmapped = {
        name
        for name in HOOK_METHODS
        if name not in NOT_OPERATIONS and operation_name(name) not in operation_functions()
    }
    assert unmapped == set(), "add an operation of the same name, an entry in ALIASES or in NOT_OPERATIONS"


def test_every_operation_has_a_hook_method() -> None:
    """One to one the other way too: no request builder is left without a hook method."""
    wrapped = {operation_name(name) for name in MIRRORING}
    assert set(operation_functions()) - wrapped == set()


def test_the_maps_name_only_existing_methods_and_parameters() -> None:
    """No stale entry: each alias, exemption and non-operation names a method and parameter that exist."""
    assert set(ALIASES) | set(NOT_OPERATIONS) <= set(HOOK_METHODS)
    assert set(ALIASES).isdisjoint(NOT_OPERATIONS)
    for method, alias in ALIASES.items():
        op_names = set(inspect.signature(getattr(ops, alias.operation)).parameters)
        hook_names = set(inspect.signature(HOOK_METHODS[method]).parameters)
        assert alias.bound <= op_names - hook_names, method
        assert alias.hook_only <= hook_names - op_names, method
    for method, name in POSITIONAL_IN_HOOK_ONLY:
        assert name in inspect.signature(HOOK_METHODS[method]).parameters, (method, name)


@pytest.mark.parametrize("method", MIRRORING)
def test_hook_method_has_its_operations_parameters_and_defaults(method: str) -> None:
    """Same names in the same order, same defaults, same annotations, same kinds (bar the exemptions)."""
    hook_side, op_side = mirrored_parameters(method)

    assert [p.name for p in hook_side] == [p.name for p in op_side]
    for hook_param, op_param in zip(hook_side, op_side, strict=True):
        where = f"{method}({hook_param.name})"
        if hook_param.name == "from_" and op_param.default is inspect.Parameter.empty:
            # The hook may let from_ default to None: it then sends the connection's default_from.
            assert hook_param.default in (None, inspect.Parameter.empty), where
        else:
            assert hook_param.default == op_param.default, where
            assert type(hook_param.default) is type(op_param.default), where
        assert hook_param.annotation == op_param.annotation, where
        if (method, hook_param.name) in POSITIONAL_IN_HOOK_ONLY:
            assert hook_param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, where
            assert op_param.kind is inspect.Parameter.KEYWORD_ONLY, f"{where}: no longer an exemption"
        else:
            assert hook_param.kind is op_param.kind, where


@pytest.mark.parametrize("method", sorted(name for name in HOOK_METHODS if name.startswith("list_")))
def test_every_list_method_takes_page_size_with_the_api_default(method: str) -> None:
    """``page_size`` on every list method, defaulting to ``paths.DEFAULT_PAGE_SIZE`` as the operations do."""
    parameter = inspect.signature(HOOK_METHODS[method]).parameters["page_size"]

    assert parameter.default == paths.DEFAULT_PAGE_SIZE
    assert parameter.annotation == "int"


@pytest.mark.parametrize("method", ["make_call", "redirect_call"])
def test_call_methods_default_to_post_like_their_operations(method: str) -> None:
    """The hook and the operation both default ``method`` to ``"POST"``, sent explicitly on the wire."""
    hook_default = inspect.signature(HOOK_METHODS[method]).parameters["method"].default
    op_default = inspect.signature(getattr(ops, method)).parameters["method"].default

    assert hook_default == op_default == "POST"
