"""``X-Twilio-Signature``: how Twilio signs the requests it makes to your application (reference §5).

The signature is Base64(HMAC-SHA1(key = the account's Auth Token, message = the full URL
requested, query string included, followed for a POST by every form field's name immediately
followed by its value, fields sorted by name, with no delimiters)). The emulator signs its
webhooks with :func:`compute_signature`; your own TwiML or SMS application checks an incoming
request with :func:`is_valid_signature`.

Choices where the reference is silent:

- A field sent several times is signed once per value, in the order of its values (the 2008
  helper libraries read the form as a mapping; we accept a sequence of pairs so nothing is lost).
- A GET has no form fields: its parameters are already part of the URL.
- Text is signed as UTF-8. Wherever text is taken, ``bytes`` are taken too, as that text's UTF-8
  encoding, used as they are (an ASGI server hands over headers, the query string and the body as
  bytes): so ``x`` and ``x.encode()`` always give the same answer, and bytes that are not UTF-8 are
  still signed and compared exactly rather than refused. A signature is Base64, plain ASCII:
  a header value with any other character (decoded as Latin-1 by most servers) simply does not
  match.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping

__all__ = ["SIGNATURE_HEADER", "compute_signature", "is_valid_signature"]

#: The request header that carries the signature.
SIGNATURE_HEADER = "X-Twilio-Signature"

Text = str | bytes
Params = Mapping[str, object] | Mapping[bytes, object] | Iterable[tuple[Text, object]] | None


def _utf8(value: object) -> bytes:
    """Return the bytes a piece of the signed message stands for.

    :param value: ``bytes`` (used as they are), ``str`` (UTF-8), or a number or other value
        (its ``str()``, as the 2008 helper libraries did with form values).
    :raises UnicodeEncodeError: for text holding a lone surrogate, which has no UTF-8 form.
    """
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8")


def _pairs(params: Params) -> list[tuple[bytes, bytes]]:
    if params is None:
        return []
    items = params.items() if isinstance(params, Mapping) else params
    # UTF-8 byte order is code-point order, so str and bytes fields sort alike.
    return sorted(((_utf8(name), _utf8(value)) for name, value in items), key=lambda pair: pair[0])


def _digest(auth_token: Text, url: Text, params: Params) -> bytes:
    message = _utf8(url) + b"".join(name + value for name, value in _pairs(params))
    return base64.b64encode(hmac.new(_utf8(auth_token), message, hashlib.sha1).digest())


def compute_signature(auth_token: Text, url: Text, params: Params = None) -> str:
    """Return the ``X-Twilio-Signature`` of a request.

    :param auth_token: the account's Auth Token (the HMAC key); ``str`` or its UTF-8 ``bytes``.
    :param url: the full URL requested, scheme, host, path and query string included.
    :param params: the POST form fields (a mapping or name/value pairs); ``None`` for a GET.
    :raises UnicodeEncodeError: for text with no UTF-8 form (a lone surrogate).
    """
    return _digest(auth_token, url, params).decode("ascii")


def is_valid_signature(auth_token: object, url: object, params: object, signature: object) -> bool:
    """Return whether ``signature`` is what Twilio would send for this request (constant time).

    Every argument may be ``str`` or ``bytes`` (see the module notes); anything else that cannot
    be a request (``None``, a number, text with a lone surrogate, a non-ASCII signature) is
    simply not a valid signature.

    :param auth_token: the account's Auth Token.
    :param url: the full URL your application was requested at, exactly as Twilio requested it
        (behind a proxy, the public URL, not the internal one).
    :param params: the POST form fields as received (a mapping or name/value pairs); ``None``
        or empty for a GET.
    :param signature: the value of the ``X-Twilio-Signature`` header (``None`` when absent).
    :return: ``False`` for a missing, wrong or malformed signature or input, never an exception.
    """
    if not isinstance(auth_token, str | bytes) or not isinstance(url, str | bytes):
        return False
    if not isinstance(signature, str | bytes) or not signature or not auth_token:
        return False
    if isinstance(params, str | bytes):  # a form is fields, not one string of them
        return False
    try:
        given = signature.encode("ascii") if isinstance(signature, str) else signature
        expected = _digest(auth_token, url, params)  # type: ignore[arg-type]
    except (TypeError, ValueError):  # UnicodeError is a ValueError; bad pairs raise either
        return False
    return hmac.compare_digest(expected, given)
