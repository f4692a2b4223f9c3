"""Match fault-rule path patterns in linear time: a regular-expression subset without backtracking.

A fault rule's ``path`` used to be handed to :mod:`re`, whose backtracking lets one pattern
such as ``(a+)+$`` stall the whole server for seconds on a single request. Patterns are now
compiled here into a Thompson automaton and run by simulating every state at once (states met
are cached as a small lazy DFA), so the cost of a match is bounded by
``len(path) x number of states`` whatever the pattern, and usually one dictionary lookup per
character.

The subset (enough for every rule the tests and the docs write, e.g. ``/Calls$``,
``/Calls(/CA[0-9a-fA-F]{32})?$``, ``RE[0-9a-f]+\\.wav$``), with :func:`re.search` semantics
(the pattern may match anywhere in the path):

- literal characters; ``.`` (any character); ``\\d``, ``\\w``, ``\\s`` and their negations
  (ASCII only); a backslash before any other punctuation makes it literal;
- classes ``[a-z0-9_]``, ``[^/]`` (ranges, the escapes above, ``\\]``, ``\\-``, ``\\\\``);
- groups ``(...)`` and ``(?:...)`` (nothing is captured), alternation ``|``;
- quantifiers ``*``, ``+``, ``?``, ``{n}``, ``{n,}``, ``{n,m}`` (``n``, ``m`` <= 100), each
  optionally followed by ``?`` (lazy and greedy match the same paths);
- anchors ``^`` (start of the path) and ``$`` (end of the path only: unlike :mod:`re`, never
  before a final newline).

Refused with :class:`PatternError` (a ``ValueError`` naming the problem): anything else
(backreferences, lookarounds, ``\\b``, named groups, flags...), unbalanced brackets, a
quantifier with nothing to repeat, patterns over :data:`MAX_PATTERN_CHARS` characters, nested
deeper than :data:`MAX_NESTING` groups or compiling to more than :data:`MAX_STATES` states.
A path longer than :data:`MAX_PATH_CHARS` characters never matches (no REST resource path of
the 2008 API comes close; such a request answers 404 anyway).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

__all__ = ["MAX_NESTING", "MAX_PATH_CHARS", "MAX_PATTERN_CHARS", "MAX_STATES", "PathPattern", "PatternError"]

#: Longest pattern accepted.
MAX_PATTERN_CHARS = 256
#: Deepest group nesting accepted.
MAX_NESTING = 16
#: Most automaton states a pattern may compile to (bounded repeats are unrolled).
MAX_STATES = 512
#: Longest path a pattern is tried on; longer paths never match.
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
    """A path pattern outside the supported subset, or too large.

    :param pattern: the pattern.
    :param problem: what is wrong, in words.
    """

    def __init__(self, pattern: str, problem: str) -> None:
        shown = pattern if len(pattern) <= 40 else pattern[:40] + "..."
        super().__init__(f"path pattern {shown!r}: {problem}")
        self.problem = problem


@dataclass
class _Charset:
    """A set of characters (``negated``: every character but these); ``None`` chars = any."""

    chars: frozenset[str] | None
    negated: bool = False

    def accepts(self, char: str) -> bool:
        if self.chars is None:
            return True
        return (char in self.chars) != self.negated


# AST nodes: ("set", _Charset) | ("cat", [nodes]) | ("alt", [nodes]) | ("rep", node, lo, hi|None)
#            | ("bol",) | ("eol",) | ("empty",)
_Node = tuple


class _Parser:
    """Recursive-descent parser of the subset (depth bounded by :data:`MAX_NESTING`)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.pos = 0
        self.depth = 0

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
        if node[0] in ("bol", "eol", "empty"):
            raise self.fail("nothing to repeat")
        if self.peek() == "?":
            self.pos += 1  # lazy: matches the same paths
        if self.peek() in ("*", "+", "?", "{") and (self.peek() != "{" or self.looks_like_braces()):
            raise self.fail("multiple repeat")
        return ("rep", node, low, high)

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
            return ("set", _Charset(None))
        if char == "^":
            return ("bol",)
        if char == "$":
            return ("eol",)
        if char == "\\":
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
        if self.pattern.startswith("?:", self.pos):
            self.pos += 2
        elif self.peek() == "?":
            raise self.fail("only (...) and (?:...) groups are supported")
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.fail(f"groups nested deeper than {MAX_NESTING}")
        node = self.alternation()
        if self.peek() != ")":
            raise self.fail("missing ')', unterminated subpattern")
        self.pos += 1
        self.depth -= 1
        return node

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
    """One automaton state: ``kind`` is ``set``, ``split``, ``bol``, ``eol`` or ``match``."""

    kind: str
    charset: _Charset | None = None
    out: list[int] = field(default_factory=list)


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
        if kind in ("bol", "eol"):
            index = self.new(kind)
            return index, [index]
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
        return self.repeat(node[1], node[2], node[3])

    def repeat(self, node: _Node, low: int, high: int | None) -> tuple[int, list[int]]:
        entry = self.new("split")
        dangling = [entry]
        for _ in range(low):
            start, ends = self.build(node)
            self.patch(dangling, start)
            dangling = ends
        if high is None:
            loop = self.new("split")
            self.patch(dangling, loop)
            start, ends = self.build(node)
            self.states[loop].out.append(start)
            self.patch(ends, loop)
            return entry, [loop]
        optional_exits: list[int] = []
        for _ in range(high - low):
            gate = self.new("split")
            self.patch(dangling, gate)
            optional_exits.append(gate)
            start, ends = self.build(node)
            self.states[gate].out.append(start)
            dangling = ends
        return entry, dangling + optional_exits


class PathPattern:
    """A compiled path pattern; :meth:`search` says whether it matches anywhere in a path.

    :param pattern: the pattern, in the subset the module docstring describes.
    :raises PatternError: for a pattern outside the subset or too large.
    """

    def __init__(self, pattern: str) -> None:
        if not isinstance(pattern, str):
            raise PatternError(str(pattern), "must be a string")
        if len(pattern) > MAX_PATTERN_CHARS:
            raise PatternError(pattern, f"longer than {MAX_PATTERN_CHARS} characters")
        self.pattern = pattern
        builder = _Builder(pattern)
        start, dangling = builder.build(_parse(pattern))
        final = builder.new("match")
        builder.patch(dangling, final)
        self._states = builder.states
        self._start = start
        self._final = final
        self._cache: dict[tuple[frozenset[int], str], frozenset[int]] = {}

    def __repr__(self) -> str:
        return f"PathPattern({self.pattern!r})"

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
                state.kind == "split"
                or (state.kind == "bol" and at_start)
                or (state.kind == "eol" and at_end)
            ):
                stack.extend(state.out)
        return seen

    def search(self, path: str) -> bool:
        """Return whether the pattern matches anywhere in ``path`` (``re.search`` semantics).

        :param path: the request path.
        """
        if len(path) > MAX_PATH_CHARS:
            return False
        current = frozenset(self._closure([self._start], True, not path))
        last = len(path) - 1
        for position, char in enumerate(path):
            if self._final in current:
                return True
            at_end = position == last
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
            if state.kind == "set" and state.charset is not None and state.charset.accepts(char):
                moved.extend(state.out)
        return frozenset(self._closure(moved, False, at_end))


def _ascii_number(text: str) -> bool:
    """Return whether ``text`` is empty or ASCII digits only."""
    return not text or (text.isascii() and text.isdigit())


def _parse(pattern: str) -> _Node:
    return _Parser(pattern).parse()
