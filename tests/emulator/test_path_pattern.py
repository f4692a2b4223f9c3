"""Fault-rule path patterns: the same answers as ``re.search`` on the subset, in bounded time on any input."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airflow_provider_twilio2008.emulator.path_pattern import MAX_PATH_CHARS, PathPattern, PatternError

#: Patterns of the subset, from the tests and docs and a few awkward ones (none that makes ``re``,
#: the oracle, backtrack for ever on a 40-character path).
PATTERNS = [
    r"/Calls$",
    r"/Calls(/CA[0-9a-fA-F]{32})?$",
    r"/Transcriptions$",
    r"RE[0-9a-f]+\.wav$",
    r"\.wav$",
    r"/SMS/Messages",
    r"^/2008-08-01/Accounts/AC\w+/Calls",
    r"(a|ab)(c|bcd)(d*)",
    r"x{2,3}y|^$",
    r"[^/]+\.(json|csv)$",
    r"a{,2}b{1,}c?",
    r"(?:CA|SM)[\d]{2}",
    r"[\]a-]+z",
    r"\s|\S\S\S\S\S\S\S\S",
    r"a.?.?b$",
]
ALPHABET = "abcdxyzACMRS/.0123456789$-_ \\]"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(path=st.text(alphabet=ALPHABET, max_size=40), index=st.integers(0, len(PATTERNS) - 1))
def test_search_agrees_with_re_on_the_subset(path: str, index: int) -> None:
    pattern = PATTERNS[index]
    assert PathPattern(pattern).search(path) == bool(re.search(pattern, path)), (pattern, path)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_search_agrees_with_re_on_request_paths(pattern: str) -> None:
    paths = [
        "",
        "/2008-08-01/Accounts/AC" + "a" * 32 + "/Calls",
        "/2008-08-01/Accounts/AC" + "a" * 32 + "/Calls/CA" + "0f" * 16,
        "/2008-08-01/Accounts/AC" + "a" * 32 + "/Recordings/RE" + "1" * 32 + ".wav",
        "/2008-08-01/Accounts/AC" + "a" * 32 + "/SMS/Messages.json",
        "aaaaaaaaaaaaaaaaaaaab",
    ]
    for path in paths:
        assert PathPattern(pattern).search(path) == bool(re.search(pattern, path)), (pattern, path)


@pytest.mark.parametrize(
    "pattern",
    ["(a+)+$", "(a|a)*$", "(.*a){20}$", "((((a*)*)*)*)*b", "(x+x+)+y", "([a-z]|[a-m]|.){100}!"],
)
def test_backtracking_patterns_finish_at_once_on_the_longest_path(pattern: str) -> None:
    path = "a" * (MAX_PATH_CHARS - 1) + "!"
    started = time.monotonic()
    for _ in range(3):
        PathPattern(pattern).search(path)
    assert time.monotonic() - started < 3.0  # ``re`` would take longer than the age of the universe


def test_a_path_over_the_limit_never_matches() -> None:
    assert PathPattern("a").search("a" * MAX_PATH_CHARS)
    assert not PathPattern("a").search("a" * (MAX_PATH_CHARS + 1))


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("(", "missing ')'"),
        (")", "unbalanced ')'"),
        ("[a", "unterminated character set"),
        ("*a", "nothing to repeat"),
        ("a**", "multiple repeat"),
        (r"(a)\1", r"escape \1 is not supported"),
        (r"\bx", r"escape \b is not supported"),
        ("(?=a)", "only (...) and (?:...) groups"),
        ("(?i)a", "only (...) and (?:...) groups"),
        ("a{101}", "above 100"),
        ("a{3,2}", "min repeat greater than max repeat"),
        ("[z-a]", "bad character range"),
        (r"[\D]", "not supported inside"),
        ("(" * 17 + ")" * 17, "nested deeper than 16"),
        ("x" * 257, "longer than 256"),
        ("(a{100}){100}", "more than 512 states"),
        ("\\", "bad escape"),
    ],
)
def test_patterns_outside_the_subset_are_refused_with_the_reason(pattern: str, problem: str) -> None:
    with pytest.raises(PatternError) as caught:
        PathPattern(pattern)
    assert problem in str(caught.value) and "path pattern" in str(caught.value)
