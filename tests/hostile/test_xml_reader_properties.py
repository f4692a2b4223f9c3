"""Property tests of the XML reader: on any bytes, a typed record or the library's own error.

``parse_record`` and ``parse_page`` must return a record (a page) or raise
:class:`Twilio2008ResponseError`; ``parse_rest_exception`` must return a ``RestException`` or
``None``. Never a bare ``ValueError``, ``TypeError``, ``OverflowError`` or lxml error, whatever a
hostile or broken server sends: arbitrary bytes, or well-formed documents whose element texts and
paging attributes are garbage (look-alike digits, 5,000-digit numbers, impossible dates, control
characters, entities).

Hypothesis runs derandomized with a modest number of examples.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airflow_provider_twilio2008.api import records
from airflow_provider_twilio2008.api.errors import Twilio2008ResponseError
from airflow_provider_twilio2008.api.xml import RestException, parse_page, parse_record, parse_rest_exception

QUICK = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
RECORD_TYPES = [
    records.Account,
    records.Call,
    records.SmsMessage,
    records.Recording,
    records.Transcription,
    records.Notification,
    records.OutgoingCallerId,
    records.ValidationRequest,
    records.IncomingPhoneNumber,
    records.Conference,
    records.Participant,
]
LISTED = [record for record in RECORD_TYPES if record.LIST_TAG]

#: Element texts a broken server might send: numbers of every shape, dates, flags, garbage.
FIELD_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789-+.eE ٣²４", max_size=12),
    st.sampled_from(
        [
            "9" * 5000,
            "-" + "9" * 5000,
            "1e999999",
            "NaN",
            "Infinity",
            "٣",
            "²",
            "true",
            "yes",
            "Fri, 06 Nov 2009 10:02:11 -0800",
            "Fri, 06 Nov 0000 10:02:11 -0800",
            "Fri, 31 Feb 2009 10:02:11 -0800",
            "Fri, 06 Nov 9999 23:59:59 -2359",
            "Mon, 99 Foo 2009 99:99:99 +9999",
            "06 Nov 2009 10:02:11",
            "99999999999999999999",
            "&amp;&lt;&#0;",
            "",
            " ",
        ]
    ),
)


def document(inner: str) -> bytes:
    """Wrap ``inner`` in ``<TwilioResponse>``, as UTF-8 (lone surrogates kept as invalid bytes)."""
    return f'<?xml version="1.0" encoding="UTF-8"?><TwilioResponse>{inner}</TwilioResponse>'.encode(
        "utf-8", "surrogatepass"
    )


@st.composite
def record_xml(draw: Any, record_type: type[records.Record]) -> str:
    """An element of ``record_type`` with a random subset of its fields, holding random texts."""
    names = [element for _, element, _ in record_type.wire_fields()]
    chosen = draw(st.lists(st.sampled_from(names), max_size=len(names)))
    body = "".join(f"<{name}>{escape(draw(FIELD_TEXT))}</{name}>" for name in chosen)
    return f"<{record_type.TAG}>{body}</{record_type.TAG}>"


@st.composite
def page_xml(draw: Any, record_type: type[records.Record]) -> str:
    """A list element with random paging attributes and a few random items."""
    attributes = "".join(
        f" {name}={quoteattr(draw(FIELD_TEXT))}"
        for _, name in records.PAGE_ATTRIBUTES + records.PAGE_URI_ATTRIBUTES
        if draw(st.booleans())
    )
    items = "".join(draw(st.lists(record_xml(record_type), max_size=3)))
    return f"<{record_type.LIST_TAG}{attributes}>{items}</{record_type.LIST_TAG}>"


def read_record(body: bytes, record_type: type[records.Record]) -> None:
    try:
        assert isinstance(parse_record(body, record_type), record_type)
    except Twilio2008ResponseError:
        pass


def read_page(body: bytes, record_type: type[records.Record]) -> None:
    try:
        page = parse_page(body, record_type)
    except Twilio2008ResponseError:
        return
    assert all(isinstance(item, record_type) for item in page.items)


@QUICK
@given(st.binary(max_size=300), st.sampled_from(LISTED))
def test_arbitrary_bytes_give_a_record_or_a_response_error(body: bytes, record_type: Any) -> None:
    read_record(body, record_type)
    read_page(body, record_type)
    assert isinstance(parse_rest_exception(body), RestException | None)


@pytest.mark.parametrize("record_type", RECORD_TYPES, ids=[r.__name__ for r in RECORD_TYPES])
@QUICK
@given(data=st.data())
def test_records_with_garbage_fields_give_a_record_or_a_response_error(record_type: Any, data: Any) -> None:
    read_record(document(data.draw(record_xml(record_type))), record_type)


@pytest.mark.parametrize("record_type", LISTED, ids=[r.__name__ for r in LISTED])
@QUICK
@given(data=st.data())
def test_pages_with_garbage_attributes_give_a_page_or_a_response_error(record_type: Any, data: Any) -> None:
    read_page(document(data.draw(page_xml(record_type))), record_type)


@QUICK
@given(
    st.fixed_dictionaries(
        {}, optional={name: FIELD_TEXT for name in ("Status", "Message", "Code", "MoreInfo")}
    )
)
def test_rest_exception_with_garbage_fields_is_read_or_ignored(fields: dict[str, str]) -> None:
    inner = "".join(f"<{name}>{escape(text)}</{name}>" for name, text in fields.items())
    found = parse_rest_exception(document(f"<RestException>{inner}</RestException>"))
    assert isinstance(found, RestException | None)
