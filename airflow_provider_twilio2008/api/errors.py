"""Errors raised by the provider, one small tree.

::

    Twilio2008Error                      base: everything this package raises
    ├── Twilio2008ValidationError        bad input, caught locally before any request (also ValueError)
    ├── Twilio2008ResponseError          a body that is not a well-formed, safe TwilioResponse
    ├── Twilio2008TransportError         no HTTP answer: connection refused, reset or timed out
    │   └── Twilio2008OutcomeUnknownError    a create was sent but its answer was lost
    └── Twilio2008ApiError               Twilio answered with an error status (a RestException)
        ├── Twilio2008BadRequestError        400: invalid parameters (``code`` says which)
        ├── Twilio2008AuthenticationError    401 / 403: wrong or missing credentials
        ├── Twilio2008NotFoundError          404: no such resource in this account
        ├── Twilio2008MethodNotAllowedError  405: the resource does not support the method
        ├── Twilio2008RateLimitedError       429: slow down; ``retry_after`` in seconds if given
        └── Twilio2008ServerError            5xx: Twilio-side failure; ``retry_after`` if given

Every error carries what a user needs to act on it (HTTP status, Twilio code, message,
``more_info`` URL, request method and path) and never the Auth Token: text that came from a
server (a RestException ``Message``, a reason phrase, a ``Location``) or from an HTTP library
passes through :class:`SecretRedactor` before it reaches an exception or a log.
"""

from __future__ import annotations

import base64
import logging
import re
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import quote

__all__ = [
    "REDACTED",
    "SecretLogFilter",
    "SecretRedactor",
    "Twilio2008ApiError",
    "Twilio2008AuthenticationError",
    "Twilio2008BadRequestError",
    "Twilio2008Error",
    "Twilio2008MethodNotAllowedError",
    "Twilio2008NotFoundError",
    "Twilio2008OutcomeUnknownError",
    "Twilio2008RateLimitedError",
    "Twilio2008ResponseError",
    "Twilio2008ServerError",
    "Twilio2008TransportError",
    "Twilio2008ValidationError",
    "api_error_for_status",
    "redact_library_logs",
]

#: What a secret is replaced with (Airflow's secret masker writes the same).
REDACTED = "***"


class Twilio2008Error(Exception):
    """Base of every error raised by airflow-provider-twilio2008."""

    def __reduce__(self) -> tuple[object, ...]:
        """Rebuild from message and fields, not ``__init__`` (whose keyword-only fields pickle drops)."""
        return (_restore_error, (type(self), self.args, dict(vars(self))))


def _restore_error(
    cls: type[Twilio2008Error], args: tuple[object, ...], state: dict[str, object]
) -> Twilio2008Error:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class Twilio2008ValidationError(Twilio2008Error, ValueError):
    """An argument was refused locally, before any request was sent.

    :param field: the argument's name as the caller wrote it (``to``, ``body``, ``call_sid``).
    :param problem: what is wrong with the value.
    :param accepted: the accepted form, in words.
    :param param: the 2008-08-01 request parameter the field maps to (``Called``), if any.
    :param code: the Twilio error code Twilio gives for the same mistake, if any.
    """

    def __init__(
        self, field: str, problem: str, accepted: str, *, param: str | None = None, code: int | None = None
    ) -> None:
        self.field = field
        self.problem = problem
        self.accepted = accepted
        self.param = param
        self.code = code
        label = f"{field} ({param})" if param and param != field else field
        super().__init__(f"{label}: {problem}; expected {accepted}")


class Twilio2008ResponseError(Twilio2008Error):
    """The response body could not be read as a safe, well-formed TwilioResponse.

    :param message: what was wrong with the body.
    :param method: the request method.
    :param path: the request path (no credentials).
    :param malformed: the body was cut short or not XML at all (worth fetching again).
    """

    def __init__(self, message: str, *, method: str = "", path: str = "", malformed: bool = False) -> None:
        self.detail = message
        self.method = method
        self.path = path
        self.malformed = malformed
        where = f" ({method} {path})" if method else ""
        super().__init__(f"{message}{where}")


class Twilio2008TransportError(Twilio2008Error):
    """No HTTP answer was received: the connection failed, was reset or timed out.

    :param message: the transport's description of the failure.
    :param method: the request method.
    :param path: the request path (no credentials).
    """

    def __init__(self, message: str, *, method: str, path: str) -> None:
        self.method = method
        self.path = path
        super().__init__(f"{method} {path}: {message}")


class Twilio2008OutcomeUnknownError(Twilio2008TransportError):
    """A create (POST) reached the network but its answer was lost, so it was not re-sent.

    Twilio may or may not have placed the call or queued the message: look it up (for
    example with ``list_calls(to=...)`` or ``list_sms(to=...)``) before trying again.
    """


class Twilio2008ApiError(Twilio2008Error):
    """Twilio answered with an error status, usually with a ``RestException`` body.

    :param status: HTTP status code.
    :param message: the RestException ``Message`` (or the HTTP reason when there was none).
    :param code: the Twilio error code (``Code``), present for most 400s.
    :param more_info: the ``MoreInfo`` URL.
    :param method: the request method.
    :param path: the request path (no credentials, no query).
    :param retry_after: seconds the server asked to wait (``Retry-After``), if any.
    :param rest_exception: the body was Twilio's ``RestException`` (the API itself answered,
        not a proxy in front of it).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: int | None = None,
        more_info: str | None = None,
        method: str = "",
        path: str = "",
        retry_after: float | None = None,
        rest_exception: bool = False,
    ) -> None:
        self.status = status
        self.message = message
        self.code = code
        self.more_info = more_info
        self.method = method
        self.path = path
        self.retry_after = retry_after
        self.rest_exception = rest_exception
        parts = [f"HTTP {status}"]
        if code is not None:
            parts.append(f"Twilio code {code}")
        text = f"{method} {path} failed ({', '.join(parts)}): {message}"
        if more_info:
            text += f" [{more_info}]"
        super().__init__(text)

    def __reduce__(self) -> tuple[object, ...]:
        """Keep the keyword fields when pickled (Airflow may pickle task exceptions)."""
        kwargs = {
            "code": self.code,
            "more_info": self.more_info,
            "method": self.method,
            "path": self.path,
            "retry_after": self.retry_after,
            "rest_exception": self.rest_exception,
        }
        return (_rebuild_api_error, (type(self), self.status, self.message, kwargs))


def _rebuild_api_error(
    cls: type[Twilio2008ApiError], status: int, message: str, kwargs: dict[str, object]
) -> Twilio2008ApiError:
    return cls(status, message, **kwargs)  # type: ignore[arg-type]


class Twilio2008BadRequestError(Twilio2008ApiError):
    """*400*: Twilio refused the parameters; ``code`` names the rule."""


class Twilio2008AuthenticationError(Twilio2008ApiError):
    """*401* / *403*: the Account SID or Auth Token is wrong or missing."""


class Twilio2008NotFoundError(Twilio2008ApiError):
    """*404*: no such resource in this account."""


class Twilio2008MethodNotAllowedError(Twilio2008ApiError):
    """*405*: the resource does not support this method."""


class Twilio2008RateLimitedError(Twilio2008ApiError):
    """*429*: too many requests; wait ``retry_after`` seconds when given."""


class Twilio2008ServerError(Twilio2008ApiError):
    """*5xx*: Twilio-side failure; ``retry_after`` is set when the server sent one."""


_BY_STATUS: dict[int, type[Twilio2008ApiError]] = {
    400: Twilio2008BadRequestError,
    401: Twilio2008AuthenticationError,
    403: Twilio2008AuthenticationError,
    404: Twilio2008NotFoundError,
    405: Twilio2008MethodNotAllowedError,
    429: Twilio2008RateLimitedError,
}


def api_error_for_status(status: int) -> type[Twilio2008ApiError]:
    """Return the error class for an HTTP error status.

    :param status: an HTTP status of 400 or more.
    """
    if status >= 500:
        return Twilio2008ServerError
    return _BY_STATUS.get(status, Twilio2008ApiError)


#: A base64 run shorter than this is not looked for inside longer base64 (see :func:`_base64_forms`).
_MIN_BASE64_CORE = 8
#: The standard base64 alphabet's two letters that the URL-safe one replaces.
_URLSAFE = str.maketrans("+/", "-_")


def _base64_forms(secret: bytes) -> set[str]:
    """Return every text the base64 of ``secret``, or of any bytes holding it, necessarily contains.

    The whole encodings, in the standard and the URL-safe alphabets, padded and unpadded (a
    ``Location`` or a JWT-like token drops the ``=``), each also percent-encoded (``+/=`` in a
    query string). And, for each of the three byte alignments ``secret`` can have inside longer
    bytes (``sid:token``, ``token=...``), the run of characters made of its bits alone: so the
    base64 of any text that contains the secret is caught, not only of the forms foreseen here.

    :param secret: the bytes to hide.
    """
    forms: set[str] = set()
    for offset in range(3):
        encoded = base64.b64encode(bytes(offset) + secret).decode("ascii")
        if offset == 0:
            runs = [encoded, encoded.rstrip("=")]
        else:
            # Character i carries bits [6i, 6i + 6): keep those that fall inside the secret.
            start, end = -(-8 * offset // 6), 8 * (offset + len(secret)) // 6
            runs = [encoded[start:end]] if end - start >= _MIN_BASE64_CORE else []
        for run in runs:
            for alphabet in (run, run.translate(_URLSAFE)):
                forms.update((alphabet, quote(alphabet, safe="")))
    forms.discard("")
    return forms


class SecretRedactor:
    """Blank out an account's Auth Token, in every form it can travel in, from text and errors.

    A hostile or broken server may echo what it received: the token itself (in any letter case,
    or percent-encoded), the ``AccountSid:AuthToken`` pair, or the ``Authorization: Basic`` value
    (base64 of that pair). Base64 is looked for in the standard and the URL-safe alphabets,
    padded or not, percent-encoded or not, of the pair and of the token alone, and inside the
    base64 of any longer text holding the token (see :func:`_base64_forms`). Each is replaced
    with :data:`REDACTED`. Both transports pass every error they raise and every library
    message they log through one redactor.

    :param auth_token: the secret.
    :param account_sid: the Account SID, to recognise the Basic credentials built from it.
    """

    def __init__(self, auth_token: str, account_sid: str = "") -> None:
        forms = {auth_token, quote(auth_token, safe="")}
        if auth_token:
            forms |= _base64_forms(auth_token.encode())
            if account_sid:
                forms |= _base64_forms(f"{account_sid}:{auth_token}".encode())
        forms.discard("")
        # Longest first: where a whole encoding starts, it is masked whole, padding included.
        alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
        self._pattern = re.compile(alternatives, re.IGNORECASE) if alternatives else None

    def text(self, value: str) -> str:
        """Return ``value`` with every form of the secret replaced by :data:`REDACTED`.

        :param value: any text (a server's message, a library's exception text).
        """
        if self._pattern is None:
            return value
        return self._pattern.sub(REDACTED, value)

    def scrub(self, error: BaseException) -> BaseException:
        """Redact, in place, the message and every text field of ``error``; return it.

        An exception this package raised ``from None`` also drops the library exception it
        replaced (kept as ``__context__``), which may quote the server.

        :param error: the exception about to be raised.
        """
        error.args = tuple(self.text(arg) if isinstance(arg, str) else arg for arg in error.args)
        for name, value in list(vars(error).items()):
            if isinstance(value, str):
                setattr(error, name, self.text(value))
        if error.__suppress_context__:
            error.__context__ = None
        return error

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Scrub any :class:`Twilio2008Error` raised inside the ``with`` block, then let it go on."""
        try:
            yield
        except Twilio2008Error as error:
            self.scrub(error)
            raise


class SecretLogFilter(logging.Filter):
    """Redact the secrets of every live :class:`SecretRedactor` from the records of a logger.

    Attached to the HTTP libraries' own loggers (``urllib3``, ``httpcore``, ``httpx``), whose
    debug records quote what a server sent (a reason phrase, a ``Location``, a broken status
    line) and may so repeat an echoed Auth Token. A record without a secret is left untouched;
    a disabled level costs nothing (the filter only sees records that are logged).
    """

    def __init__(self) -> None:
        super().__init__()
        self._redactors: weakref.WeakSet[SecretRedactor] = weakref.WeakSet()

    def register(self, redactor: SecretRedactor) -> None:
        """Redact ``redactor``'s secret too, for as long as it lives.

        :param redactor: the redactor of one transport's credentials.
        """
        self._redactors.add(redactor)

    def _clean(self, text: str) -> str:
        for redactor in list(self._redactors):
            text = redactor.text(text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` without any secret; never drop it.

        :param record: the log record.
        """
        if not self._redactors:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken record is the logging module's to report
            return True
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            trace = logging.Formatter().formatException(record.exc_info)
            cleaned = self._clean(trace)
            if cleaned != trace:
                record.exc_text = cleaned
        return True


_LIBRARY_LOG_FILTER = SecretLogFilter()


def redact_library_logs(redactor: SecretRedactor, logger_names: Iterable[str]) -> None:
    """Keep ``redactor``'s secret out of the records of the named loggers (added once per logger).

    A logger's filter sees only the records that logger creates, so each emitting module's
    logger is named (``httpcore.http11``, not ``httpcore``).

    :param redactor: the redactor of one transport's credentials.
    :param logger_names: the loggers an HTTP library writes to.
    """
    for name in logger_names:
        logger = logging.getLogger(name)
        if _LIBRARY_LOG_FILTER not in logger.filters:
            logger.addFilter(_LIBRARY_LOG_FILTER)
    _LIBRARY_LOG_FILTER.register(redactor)
