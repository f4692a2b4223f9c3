"""Wire codecs (:mod:`airflow_provider_twilio2008.api.codecs`): RFC 2822 dates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from airflow_provider_twilio2008.api import codecs

# --- errors survive pickling and copying ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Fri, 06 Nov 2009 10:02:11 -0800",
        "Thu, 03 Apr 2008 04:36:33 -0400",
        "Wed, 31 Dec 1969 16:33:29 -0800",
        "6 Nov 2009 10:02:11 +0530",
        "Fri, 06 Nov 2009 10:02:11 GMT",
        "Tue, 1 Apr 2008 11:26:32 -0700",
    ],
)
def test_rfc2822_dates_read_like_the_standard_library(text: str) -> None:
    import email.utils

    from airflow_provider_twilio2008.api.codecs import RFC2822

    decoded = RFC2822.decode(text)
    expected = email.utils.parsedate_to_datetime(text)
    assert decoded == expected and decoded.utcoffset() == expected.utcoffset()
    assert RFC2822.decode(RFC2822.encode(decoded)) == decoded


def test_impossible_dates_are_refused() -> None:
    from airflow_provider_twilio2008.api.codecs import RFC2822

    with pytest.raises(ValueError):
        RFC2822.decode("Sat, 31 Feb 2009 10:00:00 -0800")


@pytest.mark.parametrize("offset", ["+9999", "-2400", "+0160"])
def test_rfc2822_date_with_an_impossible_offset_is_refused_when_read(offset: str) -> None:
    # Accepted, it would only fail later, far away: in as_dict() when the task pushes to XCom.
    with pytest.raises(ValueError):
        codecs.RFC2822.decode(f"Fri, 06 Nov 2009 10:02:11 {offset}")
    assert codecs.RFC2822.decode("Fri, 06 Nov 2009 10:02:11 +1400").utcoffset() == timedelta(hours=14)
