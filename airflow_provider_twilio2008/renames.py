"""Old class names kept importable, with a deprecation warning, after a rename.

The naming rule the provider follows (and new classes must follow):

- operators and sensors are named for what they do, without the provider's prefix:
  ``MakeCallOperator``, ``SendSMSOperator``, ``CallCompletedSensor``, ``SMSReplySensor``;
- classes that stand for the service itself carry the ``Twilio2008`` prefix: the hooks, the
  link, the base sensor and the notifiers (``Twilio2008Hook``, ``Twilio2008SMSNotifier``);
- ``SMS`` is written in capitals in every class name of the Airflow surface.

A module that renamed a class keeps the old name through :func:`deprecated_aliases`: the old
name still imports (so DAGs keep parsing and triggers stored under an old class path still
resume) and says, once per import site, what to write instead.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["deprecated_aliases"]


def deprecated_aliases(
    module: str, namespace: Mapping[str, Any], renamed: Mapping[str, str]
) -> Callable[[str], Any]:
    """Return a module ``__getattr__`` that serves each old name in ``renamed`` with a warning.

    :param module: the module's ``__name__`` (named in the warning and the error).
    :param namespace: the module's ``globals()``, where the new names live.
    :param renamed: old name to new name.
    """

    def __getattr__(name: str) -> Any:
        new = renamed.get(name)
        if new is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        from airflow.exceptions import AirflowProviderDeprecationWarning

        warnings.warn(
            f"{module}.{name} is deprecated: use {module}.{new} (same class, renamed)",
            AirflowProviderDeprecationWarning,
            stacklevel=2,
        )
        return namespace[new]

    return __getattr__
