"""Bad input fails a task at once: checked when the DAG is parsed if literal, and never retried.

A Jinja template can only be checked once rendered, when the task runs; a literal value
(``poll_interval=-1``, ``call_sid="CA123"``) is checked when the operator is built, so the DAG
fails to import with the field named. Whatever is found when the task runs is a
:class:`~airflow_provider_twilio2008.api.errors.Twilio2008ValidationError`, raised before any
request: :func:`fails_at_once` turns it into ``AirflowFailException``, since no retry can fix a
typo, and the task does not place a call three times to find out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["check_literal", "fails_at_once", "is_template"]


def is_template(value: object) -> bool:
    """Return whether ``value`` holds a Jinja template (checked only once rendered).

    :param value: an operator argument.
    """
    if isinstance(value, str):
        return "{{" in value or "{%" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(is_template(item) for item in value)
    return False


def check_literal(value: object, check: Callable[[Any], Any]) -> None:
    """Run ``check(value)`` now unless ``value`` is a template (then it is checked when the task runs).

    :param value: an operator argument.
    :param check: a validator raising ``Twilio2008ValidationError``.
    """
    if not is_template(value):
        check(value)


@contextmanager
def fails_at_once() -> Iterator[None]:
    """Turn a local validation error raised inside the block into ``AirflowFailException`` (no retry)."""
    from airflow.sdk.exceptions import AirflowFailException

    from .api.errors import Twilio2008ValidationError

    try:
        yield
    except Twilio2008ValidationError as exc:
        raise AirflowFailException(str(exc)) from exc
