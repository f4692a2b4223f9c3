"""Regular expressions matched in linear time: a subset of :mod:`re` without backtracking.

Two kinds of pattern come from outside and run inside our processes: an emulator fault rule's
``path`` and an ``SMSReplySensor``'s ``body_pattern`` (matched against texts anyone can send).
:mod:`re` backtracks, so one pattern such as ``^(a+)+$`` and a 35-character text can hold a
process for minutes, and in the triggerer that blocks every other wait. Patterns are compiled
here into a Thompson automaton and run by simulating every state at once, so the cost of a
match is bounded by ``len(text) x number of states`` whatever the pattern:
:meth:`Pattern.search` (does it match anywhere; states met are cached as a small lazy DFA) and
:meth:`Pattern.match` (the leftmost match and its groups, with :mod:`re`'s priorities, by a
Pike VM).

The subset, with :func:`re.search` semantics (the pattern may match anywhere in the text):

- literal characters; ``.`` (any character but a newline); ``\\d``, ``\\w``, ``\\s`` and their
  negations (ASCII only); a backslash before any other punctuation makes it literal;
- classes ``[a-z0-9_]``, ``[^/]`` (ranges, the escapes above, ``\\]``, ``\\-``, ``\\\\``);
- groups ``(...)`` (captured), ``(?P<name>...)`` (captured by name) and ``(?:...)``;
  alternation ``|``;
- quantifiers ``*``, ``+``, ``?``, ``{n}``, ``{n,}``, ``{n,m}`` (``n``, ``m`` <= 100), each
  optionally followed by ``?`` (lazy);
- anchors ``^`` (start of the text), ``$`` (end of the text only: unlike :mod:`re`, never
  before a final newline), ``\\b`` and ``\\B`` (ASCII word boundary, or not);
- ``ignore_case``: a letter matches its other case as well.

Refused with :class:`PatternError` (a ``ValueError`` naming the problem): anything else
(backreferences, lookarounds, inline flags, possessive quantifiers...), unbalanced brackets, a
quantifier with nothing to repeat, patterns over :data:`MAX_PATTERN_CHARS` characters, nested
deeper than :data:`MAX_NESTING` groups or compiling to more than :data:`MAX_STATES` states.
A text longer than the pattern's ``max_text`` (:data:`MAX_PATH_CHARS` by default) never
matches (no REST path of the 2008 API comes close, and an SMS body is at most 160 characters).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

__all__ = [
    "MAX_NESTING",
    "MAX_PATH_CHARS",
    "MAX_PATTERN_CHARS",
    "MAX_STATES",
    "Pattern",
    "PatternError",
    "PatternMatch",
]

#: Longest pattern accepted.
MAX_PATTERN_CHARS = 256
#: Deepest group nesting accepted.
MAX_NESTING = 16
#: Most automaton states a pattern may compile to (bounded repeats are unrolled).
MAX_STATES = 1024
#: Longest text a pattern is tried on by default; longer texts never match.
MAX_PATH_CHARS = 2048
#: Largest repeat count in ``{n,m}``.
MAX_REPEAT = 100
#: Cached DFA transitions per pattern before the cache starts afresh.
_CACHE_LIMIT = 4096

_DIGITS = frozenset(string.digits)
_WORD = frozenset(string.ascii_letters + string.digits + "_")
_SPACE = frozenset(" \t\n\r\f\v")
_CLASS_ESCAPES = {"d": (_DIGITS, False), "D": (_DIGITS, True), "w": (_WORD, False)}
_CLASS_ESCAPES.update({"W": (_WORD, True), "s": (_SPACE, False), "S": (_SPACE, True)})
_CONTROL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}


class PatternError(ValueError):
    """A pattern outside the supported subset, or too large.

    :param pattern: the pattern.
    :param problem: what is wrong, in words.
    """

    def __init__(self, pattern: str, problem: str) -> None:
        shown = pattern if len(pattern) <= 40 else pattern[:40] + "..."
        super().__init__(f"pattern {shown!r}: {problem}")
        self.problem = problem


@dataclass
class _Charset:
    """A set of characters (``negated``: every character but these); ``None`` chars = any."""

    chars: frozenset[str] | None
    negated: bool = False

    def accepts(self, char: str, fold: bool = False) -> bool:
        if self.chars is None:
            return True
        if fold:
            found = char in self.chars or char.lower() in self.chars or char.upper() in self.chars
        else:
            found = char in self.chars
        return found != self.negated


# AST nodes: ("set", _Charset) | ("cat", [nodes]) | ("alt", [nodes])
#            | ("rep", node, lo, hi|None, lazy) | ("group", index, node)
#            | ("bol",) | ("eol",) | ("word",) | ("nonword",) | ("empty",)
_Node = tuple


class _Parser:
    """Recursive-descent parser of the subset (depth bounded by :data:`MAX_NESTING`)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.pos = 0
        self.depth = 0
        self.groups = 0
        self.names: dict[str, int] = {}

    def fail(self, problem: str) -> PatternError:
        return PatternError(self.pattern, f"{problem} at position {self.pos}")

    def peek(self) -> str | None:
        return self.pattern[self.pos] if self.pos < len(self.pattern) else None

    def parse(self) -> _Node:
        node = self.alternation()
        if self.pos < len(self.pattern):
            raise self.fail("unbalanced ')'")
        return node

    def alternation(self) -> _Node:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else ("alt", branches)

    def sequence(self) -> _Node:
        items: list[_Node] = []
        while self.peek() not in (None, "|", ")"):
            items.append(self.quantified(self.atom()))
        if not items:
            return ("empty",)
        return items[0] if len(items) == 1 else ("cat", items)

    def quantified(self, node: _Node) -> _Node:
        char = self.peek()
        if char not in ("*", "+", "?", "{"):
            return node
        if char == "{":
            bounds = self.braces()
            if bounds is None:
                return node
            low, high = bounds
        else:
            self.pos += 1
            low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[char]
        if node[0] in ("bol", "eol", "word", "nonword", "empty"):
            raise self.fail("nothing to repeat")
        lazy = self.peek() == "?"
        if lazy:
            self.pos += 1
        if self.peek() in ("*", "+", "?", "{") and (self.peek() != "{" or self.looks_like_braces()):
            raise self.fail("multiple repeat")
        return ("rep", node, low, high, lazy)

    def looks_like_braces(self) -> bool:
        saved = self.pos
        try:
            return self.braces() is not None
        finally:
            self.pos = saved

    def braces(self) -> tuple[int, int | None] | None:
        """Read ``{n}``, ``{n,}`` or ``{n,m}``; ``None`` (nothing consumed) when ``{`` is literal."""
        end = self.pattern.find("}", self.pos)
        if end < 0:
            return None
        inside = self.pattern[self.pos + 1 : end]
        low_text, comma, high_text = inside.partition(",")
        if not all(_ascii_number(text) for text in (low_text, high_text)) or not (low_text or comma):
            return None
        low = int(low_text[:4] or 0)
        high = (int(high_text[:4]) if high_text else None) if comma else low
        self.pos = end + 1
        if low > MAX_REPEAT or (high is not None and high > MAX_REPEAT):
            raise self.fail(f"repeat counts above {MAX_REPEAT} are not supported")
        if high is not None and high < low:
            raise self.fail("min repeat greater than max repeat")
        return low, high

    def atom(self) -> _Node:
        char = self.pattern[self.pos]
        self.pos += 1
        if char == "(":
            return self.group()
        if char in "*+?":
            self.pos -= 1
            raise self.fail("nothing to repeat")
        if char == "{" and self.looks_like_braces_at(self.pos - 1):
            self.pos -= 1
            raise self.fail("nothing to repeat")
        if char == "[":
            return ("set", self.char_class())
        if char == ".":
            return ("set", _Charset(frozenset("\n"), negated=True))
        if char == "^":
            return ("bol",)
        if char == "$":
            return ("eol",)
        if char == "\\":
            if self.peek() in ("b", "B"):
                self.pos += 1
                return ("word",) if self.pattern[self.pos - 1] == "b" else ("nonword",)
            return ("set", self.escape())
        return ("set", _Charset(frozenset(char)))

    def looks_like_braces_at(self, position: int) -> bool:
        saved = self.pos
        self.pos = position
        try:
            return self.braces() is not None
        finally:
            self.pos = saved

    def group(self) -> _Node:
        index: int | None = None
        if self.pattern.startswith("?:", self.pos):
            self.pos += 2
        elif self.pattern.startswith("?P<", self.pos):
            close = self.pattern.find(">", self.pos)
            name = self.pattern[self.pos + 3 : close] if close > 0 else ""
            if not name.isidentifier() or not name.isascii():
                raise self.fail("bad group name")
            if name in self.names:
                raise self.fail(f"redefinition of group name {name!r}")
            self.pos = close + 1
            self.groups += 1
            index = self.names[name] = self.groups
        elif self.peek() == "?":
            raise self.fail("only (...), (?P<name>...) and (?:...) groups are supported")
        else:
            self.groups += 1
            index = self.groups
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.fail(f"groups nested deeper than {MAX_NESTING}")
        node = self.alternation()
        if self.peek() != ")":
            raise self.fail("missing ')', unterminated subpattern")
        self.pos += 1
        self.depth -= 1
        return node if index is None else ("group", index, node)

    def escape(self) -> _Charset:
        char = self.peek()
        if char is None:
            raise self.fail("bad escape (end of pattern)")
        self.pos += 1
        if char in _CLASS_ESCAPES:
            chars, negated = _CLASS_ESCAPES[char]
            return _Charset(chars, negated)
        if char in _CONTROL_ESCAPES:
            return _Charset(frozenset(_CONTROL_ESCAPES[char]))
        if char.isascii() and char.isalnum():
            raise self.fail(f"escape \\{char} is not supported")
        return _Charset(frozenset(char))

    def char_class(self) -> _Charset:
        """Read a class after its ``[``, up to and including its ``]``."""
        negated = self.peek() == "^"
        if negated:
            self.pos += 1
        chars: set[str] = set()
        first = True
        while True:
            char = self.peek()
            if char is None:
                raise self.fail("unterminated character set")
            if char == "]" and not first:
                self.pos += 1
                return _Charset(frozenset(chars), negated)
            first = False
            low = self.member(chars)
            if low is None:
                continue
            if self.peek() == "-" and self.pattern[self.pos + 1 : self.pos + 2] not in ("]", ""):
                self.pos += 1
                high = self.member(chars)
                if high is None or ord(high) < ord(low):
                    raise self.fail("bad character range")
                if ord(high) - ord(low) > 0xFFFF:
                    raise self.fail("character range too wide")
                chars.update(chr(code) for code in range(ord(low), ord(high) + 1))
            else:
                chars.add(low)

    def member(self, chars: set[str]) -> str | None:
        """Read one class member: a character, or ``None`` after adding a ``\\d``-like set to ``chars``.

        :param chars: the members read so far.
        """
        char = self.pattern[self.pos]
        self.pos += 1
        if char != "\\":
            return char
        found = self.escape()
        if found.negated:
            raise self.fail(r"\D, \W and \S are not supported inside [...]")
        assert found.chars is not None
        if len(found.chars) == 1:
            return next(iter(found.chars))
        chars.update(found.chars)
        return None


@dataclass
class _State:
    """One automaton state: ``set``, ``split``, ``save``, ``match`` or an anchor (``bol``, ``word``...).

    A lazy ``split`` prefers its last way out (leaving the loop) to its first.
    """

    kind: str
    charset: _Charset | None = None
    out: list[int] = field(default_factory=list)
    slot: int = 0
    lazy: bool = False


class _Builder:
    """Thompson construction: each fragment is ``(start, [dangling state indexes])``."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.states: list[_State] = []

    def new(self, kind: str, charset: _Charset | None = None) -> int:
        if len(self.states) >= MAX_STATES:
            raise PatternError(self.pattern, f"compiles to more than {MAX_STATES} states")
        self.states.append(_State(kind, charset))
        return len(self.states) - 1

    def patch(self, dangling: list[int], target: int) -> None:
        for index in dangling:
            self.states[index].out.append(target)

    def build(self, node: _Node) -> tuple[int, list[int]]:
        kind = node[0]
        if kind == "set":
            index = self.new("set", node[1])
            return index, [index]
        if kind in ("bol", "eol", "word", "nonword"):
            index = self.new(kind)
            return index, [index]
        if kind == "group":
            opening = self.new("save")
            self.states[opening].slot = 2 * node[1]
            start, dangling = self.build(node[2])
            self.states[opening].out.append(start)
            closing = self.new("save")
            self.states[closing].slot = 2 * node[1] + 1
            self.patch(dangling, closing)
            return opening, [closing]
        if kind == "empty":
            index = self.new("split")
            return index, [index]
        if kind == "cat":
            start, dangling = self.build(node[1][0])
            for part in node[1][1:]:
                next_start, next_dangling = self.build(part)
                self.patch(dangling, next_start)
                dangling = next_dangling
            return start, dangling
        if kind == "alt":
            split = self.new("split")
            dangling = []
            for branch in node[1]:
                start, ends = self.build(branch)
                self.states[split].out.append(start)
                dangling.extend(ends)
            return split, dangling
        return self.repeat(node[1], node[2], node[3], node[4])

    def repeat(self, node: _Node, low: int, high: int | None, lazy: bool) -> tuple[int, list[int]]:
        entry = self.new("split")
        dangling = [entry]
        for _ in range(low):
            start, ends = self.build(node)
            self.patch(dangling, start)
            dangling = ends
        if high is None:
            loop = self.new("split")
            self.states[loop].lazy = lazy
            self.patch(dangling, loop)
            start, ends = self.build(node)
            self.states[loop].out.append(start)
            self.patch(ends, loop)
            return entry, [loop]
        optional_exits: list[int] = []
        for _ in range(high - low):
            gate = self.new("split")
            self.states[gate].lazy = lazy
            self.patch(dangling, gate)
            optional_exits.append(gate)
            start, ends = self.build(node)
            self.states[gate].out.append(start)
            dangling = ends
        return entry, dangling + optional_exits


@dataclass(frozen=True)
class PatternMatch:
    """The leftmost match of a :class:`Pattern`, shaped like :class:`re.Match` where the sensors use it.

    :param text: the matched text.
    :param captured: each group's text (``None`` when it took no part), group 1 first.
    :param names: group names and their numbers.
    :param span: where the match starts and ends in the searched text.
    """

    text: str
    captured: tuple[str | None, ...]
    names: dict[str, int]
    span: tuple[int, int]

    def group(self, index: int = 0) -> str | None:
        """Return the text of group ``index`` (0: the whole match).

        :param index: the group number.
        """
        return self.text if index == 0 else self.captured[index - 1]

    def groups(self) -> tuple[str | None, ...]:
        """Return the text of every group, group 1 first."""
        return self.captured

    def groupdict(self) -> dict[str, str | None]:
        """Return the text of every named group, by name."""
        return {name: self.captured[index - 1] for name, index in self.names.items()}


def _is_word(text: str, position: int) -> bool:
    return 0 <= position < len(text) and text[position] in _WORD


class Pattern:
    """A compiled pattern: :meth:`search` says whether it matches anywhere, :meth:`match` finds the match.

    :param pattern: the pattern, in the subset the module docstring describes.
    :param ignore_case: letters match either case.
    :param max_text: texts longer than this never match.
    :raises PatternError: for a pattern outside the subset or too large.
    """

    def __init__(self, pattern: str, *, ignore_case: bool = False, max_text: int = MAX_PATH_CHARS) -> None:
        if not isinstance(pattern, str):
            raise PatternError(str(pattern), "must be a string")
        if len(pattern) > MAX_PATTERN_CHARS:
            raise PatternError(pattern, f"longer than {MAX_PATTERN_CHARS} characters")
        self.pattern = pattern
        self.ignore_case = ignore_case
        self.max_text = max_text
        parser = _Parser(pattern)
        tree = parser.parse()
        self.group_count = parser.groups
        self.names = dict(parser.names)
        builder = _Builder(pattern)
        start, dangling = builder.build(("group", 0, tree))
        final = builder.new("match")
        builder.patch(dangling, final)
        self._states = builder.states
        self._start = start
        self._final = final
        self._boundaries = any(state.kind in ("word", "nonword") for state in self._states)
        self._cache: dict[tuple[frozenset[int], str], frozenset[int]] = {}

    def __repr__(self) -> str:
        return f"Pattern({self.pattern!r})"

    def _closure(self, seeds: list[int], at_start: bool, at_end: bool) -> set[int]:
        """Return the states reachable from ``seeds`` without reading a character."""
        seen: set[int] = set()
        stack = list(seeds)
        while stack:
            index = stack.pop()
            if index in seen:
                continue
            seen.add(index)
            state = self._states[index]
            if (
                state.kind in ("split", "save")
                or (state.kind == "bol" and at_start)
                or (state.kind == "eol" and at_end)
            ):
                stack.extend(state.out)
        return seen

    def search(self, text: str) -> bool:
        """Return whether the pattern matches anywhere in ``text`` (``re.search`` semantics).

        :param text: the path or message body.
        """
        if len(text) > self.max_text:
            return False
        if self._boundaries:  # \b depends on the character before: only the VM tracks it
            return self.match(text) is not None
        current = frozenset(self._closure([self._start], True, _at_eol(text, 0)))
        for position, char in enumerate(text):
            if self._final in current:
                return True
            at_end = _at_eol(text, position + 1)
            key = (current, char)
            following = None if at_end else self._cache.get(key)
            if following is None:
                following = self._step(current, char, at_end)
                if not at_end:
                    if len(self._cache) >= _CACHE_LIMIT:
                        self._cache.clear()
                    self._cache[key] = following
            current = following
        return self._final in current

    def _step(self, current: frozenset[int], char: str, at_end: bool) -> frozenset[int]:
        """Return the states after reading ``char`` (a match may also start at the next position)."""
        moved = [self._start]
        for index in current:
            state = self._states[index]
            if (
                state.kind == "set"
                and state.charset is not None
                and state.charset.accepts(char, self.ignore_case)
            ):
                moved.extend(state.out)
        return frozenset(self._closure(moved, False, at_end))

    def match(self, text: str) -> PatternMatch | None:
        """Return the leftmost match in ``text`` and its groups, as :func:`re.search` would, or ``None``.

        A Pike VM: every thread (state and captures) advances one character at a time, in
        :mod:`re`'s order of preference, so the work is bounded by ``len(text) x states``.

        :param text: the path or message body.
        """
        if len(text) > self.max_text:
            return None
        empty: tuple[int | None, ...] = (None,) * (2 * self.group_count + 2)
        found: tuple[int | None, ...] | None = None
        threads: list[tuple[int, tuple[int | None, ...]]] = []
        self._add(threads, set(), self._start, empty, text, 0)
        for position in range(len(text) + 1):
            char = text[position] if position < len(text) else None
            following: list[tuple[int, tuple[int | None, ...]]] = []
            seen: set[int] = set()
            for index, slots in threads:
                state = self._states[index]
                if state.kind == "match":
                    found = slots
                    break  # every thread after this one is less preferred
                if (
                    char is not None
                    and state.charset is not None
                    and state.charset.accepts(char, self.ignore_case)
                ):
                    for target in state.out:
                        self._add(following, seen, target, slots, text, position + 1)
            if char is None:
                break
            if found is None:
                self._add(following, seen, self._start, empty, text, position + 1)
            threads = following
            if not threads and found is not None:
                break
        if found is None:
            return None
        begin, finish = found[0], found[1]
        assert begin is not None and finish is not None
        captured = tuple(
            None
            if found[2 * i] is None or found[2 * i + 1] is None
            else text[found[2 * i] : found[2 * i + 1]]
            for i in range(1, self.group_count + 1)
        )
        return PatternMatch(text[begin:finish], captured, self.names, (begin, finish))

    def _add(
        self,
        threads: list[tuple[int, tuple[int | None, ...]]],
        seen: set[int],
        index: int,
        slots: tuple[int | None, ...],
        text: str,
        position: int,
    ) -> None:
        """Add the threads reachable from ``index`` without reading, most preferred first."""
        stack = [(index, slots)]
        while stack:
            current, held = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            state = self._states[current]
            kind = state.kind
            if kind == "split":
                ways = state.out[::-1] if state.lazy else state.out
                stack.extend((target, held) for target in reversed(ways))
            elif kind == "save":
                saved = held[: state.slot] + (position,) + held[state.slot + 1 :]
                stack.extend((target, saved) for target in reversed(state.out))
            elif kind in ("bol", "eol", "word", "nonword"):
                if kind == "bol":
                    holds = position == 0
                elif kind == "eol":
                    holds = _at_eol(text, position)
                else:
                    edge = _is_word(text, position - 1) != _is_word(text, position)
                    holds = edge if kind == "word" else not edge
                if holds:
                    stack.extend((target, held) for target in reversed(state.out))
            else:
                threads.append((current, held))


def _at_eol(text: str, position: int) -> bool:
    """Return whether ``$`` holds at ``position``: the end, or just before a final newline (as in ``re``).

    :param text: the text searched.
    :param position: a position in it, ``0`` to ``len(text)``.
    """
    end = len(text)
    return position == end or (position == end - 1 and text[-1] == "\n")


def _ascii_number(text: str) -> bool:
    """Return whether ``text`` is empty or ASCII digits only."""
    return not text or (text.isascii() and text.isdigit())


def _parse(pattern: str) -> _Node:
    return _Parser(pattern).parse()
