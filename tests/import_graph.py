"""Helpers: the graph of a package's module-level imports, and the import cycles in it.

Only imports that run when a module is first imported count: those at module level, including
inside ``try``/``if`` blocks, but not those inside functions (run later, when the function is
called) nor those under ``if TYPE_CHECKING:`` (never run). A ``from package import name`` is an
edge to ``package.name`` when that is a module of the package, else to ``package``.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Return every module of a package (``pkg.sub.mod`` and ``pkg.sub`` for ``__init__``) with its file.

    :param root: the package's folder.
    :param package: its import name.
    """
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_imports(body: Iterable[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _module_level_imports(node.body)
            yield from _module_level_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, *(h.body for h in node.handlers), node.orelse, node.finalbody):
                yield from _module_level_imports(block)
        elif isinstance(node, ast.With):
            yield from _module_level_imports(node.body)


def imports_of(name: str, source: str, modules: Iterable[str], *, is_package: bool = False) -> set[str]:
    """Return the modules among ``modules`` that module ``name`` imports when it is first imported.

    :param name: the module's import name.
    :param source: its source text.
    :param modules: the names of the package's modules.
    :param is_package: whether ``name`` is a package (its ``__init__``), for relative imports.
    """
    known = set(modules)
    here = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _module_level_imports(ast.parse(source).body):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
            continue
        base = node.module or ""
        if node.level:
            anchor = here.split(".")
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            target = f"{base}.{alias.name}"
            if target in known:
                found.add(target)
            elif base in known:
                found.add(base)
    found.discard(name)
    return found


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Return each module of a package with the package modules it imports at module level.

    :param root: the package's folder.
    :param package: its import name.
    """
    modules = module_names(root, package)
    return {
        name: imports_of(name, path.read_text(), modules, is_package=path.name == "__init__.py")
        for name, path in modules.items()
    }


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Return the import cycles of a graph: its strongly connected groups of two or more, sorted.

    :param graph: each node with the nodes it points at.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


#: A Sphinx cross-reference in a docstring: its role and its target (``~`` and titles allowed).
_REFERENCE = re.compile(r":(mod|func|class|data|meth|attr|exc):`~?(?:[^`<]*<)?([^`>]+)>?`")


def unresolved_references(root: Path, package: str) -> list[str]:
    """Return the ``:mod:``/``:func:``... references to the package that name nothing.

    A relative target (``..model.store``) is resolved from the module it is written in, as a
    relative import would be. A ``:mod:`` target must be a module of the package; any other
    target must be found by importing its longest module prefix and looking up the rest.

    :param root: the package's folder.
    :param package: its import name.
    """
    modules = module_names(root, package)
    problems = []
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for role, target in _REFERENCE.findall(path.read_text()):
            if target.startswith("."):
                level = len(target) - len(target.lstrip("."))
                anchor = here.split(".")
                anchor = anchor[: len(anchor) - (level - 1)]
                full = ".".join([*anchor, target.lstrip(".")] if target.lstrip(".") else anchor)
            elif target.startswith(package + "."):
                full = target
            else:
                continue
            if not (full in modules if role == "mod" else _member_exists(full, modules)):
                problems.append(f"{path.relative_to(root)}: :{role}:`{target}` -> {full}")
    return problems


def _member_exists(full: str, modules: Mapping[str, Path]) -> bool:
    parts = full.split(".")
    for cut in range(len(parts), 0, -1):
        module = ".".join(parts[:cut])
        if module in modules:
            value: object = importlib.import_module(module)
            for attribute in parts[cut:]:
                if not hasattr(value, attribute):
                    return False
                value = getattr(value, attribute)
            return True
    return False
