"""No import cycle inside the package: every module can be imported first, alone."""

from __future__ import annotations

from pathlib import Path

import airflow_provider_twilio2008
from tests.import_graph import cycles, import_graph, imports_of, unresolved_references

PACKAGE = Path(airflow_provider_twilio2008.__file__).parent
NAME = "airflow_provider_twilio2008"


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph(PACKAGE, NAME)
    assert f"{NAME}.emulator.messaging.outgoing" in graph[f"{NAME}.emulator.messaging.inbound"]
    assert cycles(graph) == []


def test_the_finder_reports_a_cycle_of_two_and_one_through_three() -> None:
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c", "f"}, "f": set()}

    assert cycles(graph) == [["a", "b"], ["c", "d", "e"]]


def test_the_finder_sees_no_cycle_in_a_chain() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_function_level_and_type_checking_imports_are_not_edges() -> None:
    modules = ["p", "p.a", "p.b", "p.c", "p.d", "p.sub", "p.sub.e"]
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import b\n"
        "from .sub import e\n"
        "from .c import thing\n"
        "import p.d\n"
        "if TYPE_CHECKING:\n"
        "    from .sub import nothing\n"
        "def later():\n"
        "    from . import sub\n"
        "try:\n"
        "    from .sub import fallback\n"
        "except ImportError:\n"
        "    pass\n"
    )

    assert imports_of("p.a", source, modules) == {"p.b", "p.sub.e", "p.c", "p.d", "p.sub"}


def test_relative_imports_of_a_package_init_start_from_the_package_itself() -> None:
    modules = ["p", "p.sub", "p.sub.e", "p.f"]

    assert imports_of("p.sub", "from . import e\nfrom .. import f\n", modules, is_package=True) == {
        "p.sub.e",
        "p.f",
    }


def test_docstring_references_to_package_modules_name_modules_that_exist() -> None:
    assert unresolved_references(PACKAGE, NAME) == []
