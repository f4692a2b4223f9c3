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
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping

__all__ = ["SIGNATURE_HEADER", "compute_signature", "is_valid_signature"]

#: The request header that carries the signature.
SIGNATURE_HEADER = "X-Twilio-Signature"

Params = Mapping[str, str] | Iterable[tuple[str, str]] | None


def _pairs(params: Params) -> list[tuple[str, str]]:
    if params is None:
        return []
    items = params.items() if isinstance(params, Mapping) else params
    return sorted(((str(name), str(value)) for name, value in items), key=lambda pair: pair[0])


def compute_signature(auth_token: str, url: str, params: Params = None) -> str:
    """Return the ``X-Twilio-Signature`` of a request.

    :param auth_token: the account's Auth Token (the HMAC key).
    :param url: the full URL requested, scheme, host, path and query string included.
    :param params: the POST form fields (a mapping or name/value pairs); ``None`` for a GET.
    """
    message = url + "".join(name + value for name, value in _pairs(params))
    digest = hmac.new(auth_token.encode("utf-8"), message.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def is_valid_signature(auth_token: str, url: str, params: Params, signature: str | None) -> bool:
    """Return whether ``signature`` is what Twilio would send for this request (constant time).

    :param auth_token: the account's Auth Token.
    :param url: the full URL your application was requested at, exactly as Twilio requested it
        (behind a proxy, the public URL, not the internal one).
    :param params: the POST form fields as received (a mapping or name/value pairs); ``None``
        or empty for a GET.
    :param signature: the value of the ``X-Twilio-Signature`` header (``None`` when absent).
    :return: ``False`` for a missing or wrong signature, never an exception.
    """
    if not signature or not auth_token:
        return False
    expected = compute_signature(auth_token, url, params)
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace"))
