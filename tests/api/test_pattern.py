"""Linear-time patterns (fault paths, reply bodies): ``re.search``'s answers in bounded time."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airflow_provider_twilio2008.api.pattern import MAX_PATH_CHARS, Pattern, PatternError

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
    assert Pattern(pattern).search(path) == bool(re.search(pattern, path)), (pattern, path)


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
        assert Pattern(pattern).search(path) == bool(re.search(pattern, path)), (pattern, path)


@pytest.mark.parametrize(
    "pattern",
    ["(a+)+$", "(a|a)*$", "(.*a){20}$", "((((a*)*)*)*)*b", "(x+x+)+y", "([a-z]|[a-m]|.){100}!"],
)
def test_backtracking_patterns_finish_at_once_on_the_longest_path(pattern: str) -> None:
    path = "a" * (MAX_PATH_CHARS - 1) + "!"
    started = time.monotonic()
    for _ in range(3):
        Pattern(pattern).search(path)
    assert time.monotonic() - started < 3.0  # ``re`` would take longer than the age of the universe


def test_a_path_over_the_limit_never_matches() -> None:
    assert Pattern("a").search("a" * MAX_PATH_CHARS)
    assert not Pattern("a").search("a" * (MAX_PATH_CHARS + 1))


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("(", "missing ')'"),
        (")", "unbalanced ')'"),
        ("[a", "unterminated character set"),
        ("*a", "nothing to repeat"),
        ("a**", "multiple repeat"),
        (r"(a)\1", r"escape \1 is not supported"),
        (r"\Ax", r"escape \A is not supported"),
        ("(?=a)", "only (...), (?P<name>...) and (?:...) groups"),
        ("(?i)a", "only (...), (?P<name>...) and (?:...) groups"),
        ("(?P<1x>a)", "bad group name"),
        ("(?P<a>x)(?P<a>y)", "redefinition of group name 'a'"),
        ("a{101}", "above 100"),
        ("a{3,2}", "min repeat greater than max repeat"),
        ("[z-a]", "bad character range"),
        (r"[\D]", "not supported inside"),
        ("(" * 17 + ")" * 17, "nested deeper than 16"),
        ("x" * 257, "longer than 256"),
        ("(a{100}){100}", "more than 1024 states"),
        ("\\", "bad escape"),
    ],
)
def test_patterns_outside_the_subset_are_refused_with_the_reason(pattern: str, problem: str) -> None:
    with pytest.raises(PatternError) as caught:
        Pattern(pattern)
    assert problem in str(caught.value) and str(caught.value).startswith("pattern ")


GROUP_CASES = [
    (r"^(yes|no)\b", "yes please"),
    (r"(?P<answer>[0-9]+)\s*(?P<unit>min|h)?", "call me in 15 min"),
    (r"(a|ab)(c|bcd)(d*)", "abcd"),
    (r"(a*)(a*)", "aaa"),
    (r"(a*?)(a*)", "aaa"),
    (r"(a+?)b", "xaaab"),
    (r"x(y)?z", "xz"),
    (r"\bno\b", "I know, no"),
    (r"\Bno", "I know"),
    (r"(?:(\w+) )+end", "one two end"),
    (r"a{2,3}?", "aaaa"),
    (r"^$", ""),
    (r".+", "two\nlines"),
]


@pytest.mark.parametrize(("pattern", "text"), GROUP_CASES)
def test_the_match_and_its_groups_are_those_re_finds(pattern: str, text: str) -> None:
    ours = Pattern(pattern).match(text)
    theirs = re.search(pattern, text)
    assert theirs is not None and ours is not None
    assert (ours.group(0), ours.groups(), ours.groupdict(), ours.span) == (
        theirs.group(0),
        theirs.groups(),
        theirs.groupdict(),
        theirs.span(),
    )
    assert Pattern(pattern).search(text)


@pytest.mark.parametrize(("pattern", "text"), [("^yes$", "YES"), (r"[a-c]x", "BX"), ("[^a]", "A")])
def test_ignore_case_matches_as_re_ignorecase_does(pattern: str, text: str) -> None:
    expected = re.search(pattern, text, re.IGNORECASE) is not None
    assert Pattern(pattern, ignore_case=True).search(text) is expected
    assert (Pattern(pattern, ignore_case=True).match(text) is not None) is expected


def test_a_pattern_that_makes_re_backtrack_for_minutes_answers_at_once() -> None:
    # re.search(r"^(a+)+$", "a" * 34 + "!") takes minutes; here it is a few thousand steps.
    hostile = "a" * 34 + "!"
    started = time.process_time()
    for _ in range(20):
        assert Pattern(r"^(a+)+$").match(hostile) is None
        assert not Pattern(r"^(a+)+$").search(hostile)
        assert Pattern(r"(a+)+b").match("a" * 30 + "c" + "ab") is not None
    assert time.process_time() - started < 5  # generous: one run is ~10 ms


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([g[0] for g in GROUP_CASES]), st.text(alphabet="abcdnoyes 01259\n", max_size=12))
def test_groups_agree_with_re_on_generated_texts(pattern: str, text: str) -> None:
    ours = Pattern(pattern).match(text)
    theirs = re.search(pattern, text)
    if theirs is None:
        assert ours is None
    else:
        assert ours is not None and (ours.span, ours.groups()) == (theirs.span(), theirs.groups())
