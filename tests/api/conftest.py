"""Fixtures of the protocol-core tests: the XML examples of the API reference."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "twilio-2008-08-01.md"


@pytest.fixture(scope="session")
def reference_examples() -> list[str]:
    """Return every ```xml block of ../shared/twilio-2008-08-01.md (required in CI)."""
    if not REFERENCE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the API reference is missing at {REFERENCE}")
        pytest.skip("../shared/twilio-2008-08-01.md is not beside this checkout")
    return re.findall(r"```xml\n(.*?)```", REFERENCE.read_text(), flags=re.S)
