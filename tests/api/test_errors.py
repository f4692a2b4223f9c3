"""``api/errors.py``: the redactor finds the credentials in every base64 form a server may echo.

(The redactor's plain, upper-case and percent-encoded token forms, the guard and the log filter
are pinned in test_exchange.py beside the exchange that uses them.)
"""

from __future__ import annotations

import base64
import copy
import pickle
from collections.abc import Callable
from urllib.parse import quote

import pytest

from airflow_provider_twilio2008.api.errors import (
    REDACTED,
    SecretRedactor,
    Twilio2008Error,
    Twilio2008OutcomeUnknownError,
    Twilio2008ResponseError,
    Twilio2008TransportError,
    Twilio2008ValidationError,
)

# --- errors survive pickling and copying ------------------------------------------------------

ACCOUNT_SID = "AC569f37a7882d4ae4b137dc01b69ca936"
#: A token whose base64, alone and in the pair, holds ``+`` and ``/`` (the two alphabets differ)
#: and needs padding (neither 20 nor 55 bytes is a multiple of 3), so every form is distinct.
AUTH_TOKEN = "~~~~tok>?>?en~~~>??~"
PAIR = f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()

Encoder = Callable[[bytes], bytes]
ENCODERS: dict[str, Callable[[bytes], str]] = {
    "standard": lambda data: base64.b64encode(data).decode(),
    "standard-unpadded": lambda data: base64.b64encode(data).decode().rstrip("="),
    "urlsafe": lambda data: base64.urlsafe_b64encode(data).decode(),
    "urlsafe-unpadded": lambda data: base64.urlsafe_b64encode(data).decode().rstrip("="),
    "standard-percent-encoded": lambda data: quote(base64.b64encode(data).decode(), safe=""),
    "standard-unpadded-percent-encoded": lambda data: quote(
        base64.b64encode(data).decode().rstrip("="), safe=""
    ),
}


def test_the_chosen_credentials_make_every_form_distinct() -> None:
    for secret in (PAIR, AUTH_TOKEN.encode()):
        forms = {encode(secret) for encode in ENCODERS.values()}
        assert len(forms) == len(ENCODERS)
        assert "+" in ENCODERS["standard"](secret) and "/" in ENCODERS["standard"](secret)
        assert ENCODERS["standard"](secret).endswith("=")


@pytest.mark.parametrize("secret", [PAIR, AUTH_TOKEN.encode()], ids=["sid:token", "token"])
@pytest.mark.parametrize("form", ENCODERS, ids=list(ENCODERS))
def test_every_base64_form_of_the_credentials_is_masked_whole(secret: bytes, form: str) -> None:
    encoded = ENCODERS[form](secret)
    redactor = SecretRedactor(AUTH_TOKEN, ACCOUNT_SID)

    cleaned = redactor.text(f"302 Found: Location: http://127.0.0.1:8080/x?auth={encoded}&next=1")

    assert cleaned == f"302 Found: Location: http://127.0.0.1:8080/x?auth={REDACTED}&next=1"


@pytest.mark.parametrize("prefix", [b"token=", b"t=", b"x", b'{"user": "ACx", "password": "'])
@pytest.mark.parametrize(
    "alphabet", [base64.b64encode, base64.urlsafe_b64encode], ids=["standard", "urlsafe"]
)
def test_the_token_is_found_inside_the_base64_of_any_longer_text(prefix: bytes, alphabet: Encoder) -> None:
    # Each prefix length mod 3 puts the token at another alignment inside the encoding.
    encoded = alphabet(prefix + AUTH_TOKEN.encode() + b'"}').decode()
    redactor = SecretRedactor(AUTH_TOKEN, ACCOUNT_SID)

    cleaned = redactor.text(f"echo {encoded} end")

    assert cleaned.startswith("echo ") and cleaned.endswith(" end") and cleaned.count(REDACTED) == 1
    # Of the characters the token's bits make, only the two that mix its edges with its
    # neighbours' bits may be left.
    kept = len(cleaned) - len("echo  end") - len(REDACTED)
    assert kept <= len(encoded) - len(AUTH_TOKEN) * 8 // 6 + 2


def test_text_without_the_credentials_is_left_alone() -> None:
    redactor = SecretRedactor(AUTH_TOKEN, ACCOUNT_SID)
    other = base64.b64encode(f"{ACCOUNT_SID}:another-token".encode()).decode()

    assert redactor.text(f"Basic {other} for {ACCOUNT_SID}") == f"Basic {other} for {ACCOUNT_SID}"


def test_a_short_token_is_not_searched_for_as_a_few_base64_characters() -> None:
    # Its own base64 is masked; the one or two characters its bits make inside longer base64 are not.
    redactor = SecretRedactor("ab", "")

    assert redactor.text("YWI= YWI and abc and AB") == f"{REDACTED} {REDACTED} and {REDACTED}c and {REDACTED}"
    assert redactor.text("Location: /x?q=Fine&r=hYdra") == "Location: /x?q=Fine&r=hYdra"


@pytest.mark.parametrize(
    "error",
    [
        Twilio2008ValidationError("to", "'123' is not a phone number", "E.164", param="Called", code=21211),
        Twilio2008TransportError("ConnectionError: refused", method="GET", path="/2008-08-01/Accounts"),
        Twilio2008OutcomeUnknownError("ReadTimeout: answer lost", method="POST", path="/p/Calls"),
        Twilio2008ResponseError("response body is cut short", method="GET", path="/p", malformed=True),
    ],
    ids=lambda e: type(e).__name__,
)
def test_every_error_survives_pickling_and_copying_with_its_fields(error: Twilio2008Error) -> None:
    # Airflow (and multiprocessing, celery, deepcopy) rebuild exceptions from their pickled form;
    # a rebuild that raises TypeError replaces the user's real error with a confusing one.
    for rebuilt in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):
        assert type(rebuilt) is type(error)
        assert str(rebuilt) == str(error)
        assert vars(rebuilt) == vars(error)
