"""Keep the characters XML 1.0 cannot carry out of the emulator: refused on input, replaced on output.

A NUL, another C0 control (bar tab, newline and carriage return), a lone surrogate, U+FFFE or
U+FFFF (:data:`..api.xml.XML_ILLEGAL`) cannot be written in a ``<TwilioResponse>``. Three
layers make sure such a character can never poison the state:

- Input: every REST parameter (query and form, names and values) and every string of a
  control-endpoint JSON body is checked before anything is done; one such character answers
  400 with code 21200 (invalid parameter) and a message naming the field and the character
  (:func:`refuse_in_pairs`, :func:`refuse_in_json`). Nothing is stored.
- Storage: :class:`.model.store.Store` replaces them by U+FFFD in every field it writes, for text that
  comes from elsewhere (an application's answer kept in a Notification, say).
- Output: the writers of :mod:`..api.xml` and :mod:`..api.representations` replace them by
  U+FFFD, and so does :class:`SafeJSONResponse` for the control endpoints, so even a value
  written straight into the SQLite file is served (as U+FFFD) instead of failing every read.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from ..api.validate import INVALID_PARAMETER
from ..api.xml import XML_ILLEGAL, xml_safe
from .rest.endpoint import RestError

__all__ = [
    "ACCEPTED_TEXT",
    "MAX_JSON_DEPTH",
    "JsonFieldError",
    "SafeJSONResponse",
    "illegal_character",
    "refuse_in_json",
    "refuse_in_pairs",
    "scrubbed",
]

#: The accepted form, as error messages state it.
ACCEPTED_TEXT = "text XML can carry (no NUL or other control characters but tab, newline and carriage return)"
#: Deepest nesting of arrays and objects accepted in a control JSON body.
MAX_JSON_DEPTH = 32


class JsonFieldError(ValueError):
    """A control JSON body refused because of one field.

    :param field: the field, as a JSON path (``Body``, ``rules[0].path``; ``body`` for the whole).
    :param message: what is wrong and what is accepted.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def illegal_character(text: str) -> str | None:
    """Return the first character of ``text`` XML cannot carry, as ``U+0000``; ``None`` when none.

    :param text: any string.
    """
    found = XML_ILLEGAL.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def _message(field: str, code_point: str) -> str:
    return f"{xml_safe(field)} contains the character {code_point}; expected {ACCEPTED_TEXT}"


def refuse_in_pairs(pairs: list[tuple[str, str]]) -> None:
    """Refuse REST parameters holding a character XML cannot carry: 400, code 21200, naming the field.

    :param pairs: the query and form pairs, names and values.
    :raises RestError: on the first such parameter.
    """
    for key, value in pairs:
        for text in (key, value):
            code_point = illegal_character(text)
            if code_point is not None:
                raise RestError(400, _message(key or "a parameter name", code_point), INVALID_PARAMETER)


def refuse_in_json(data: Any, field: str = "body") -> None:
    """Refuse a decoded JSON body nested too deep or holding a string XML cannot carry.

    Walks the value without recursion (a hostile body may be deeply nested).

    :param data: the decoded JSON.
    :param field: the JSON path of ``data``.
    :raises JsonFieldError: naming the first offending field.
    """
    stack: list[tuple[Any, str, int]] = [(data, field, 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise JsonFieldError(path, f"{path} is nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(value, str):
            code_point = illegal_character(value)
            if code_point is not None:
                raise JsonFieldError(path, _message(path, code_point))
        elif isinstance(value, dict):
            for key, item in value.items():
                code_point = illegal_character(key)
                if code_point is not None:
                    raise JsonFieldError(path, _message(f"a field name of {path}", code_point))
                stack.append((item, key if path == "body" else f"{path}.{key}", depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value))


def scrubbed(value: Any) -> Any:
    """Return ``value`` (decoded JSON: dicts, lists, scalars) with every string made XML-safe.

    :param value: what a control endpoint answers.
    """
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {xml_safe(str(key)): scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrubbed(item) for item in value]
    return value


class SafeJSONResponse(JSONResponse):
    """A JSON answer whose strings are made XML-safe first (a lone surrogate cannot be UTF-8)."""

    def render(self, content: Any) -> bytes:
        """Serialise ``content`` after :func:`scrubbed`.

        :param content: the JSON value.
        """
        return super().render(scrubbed(content))
