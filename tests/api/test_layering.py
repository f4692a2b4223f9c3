"""The protocol core stays free of I/O and of Airflow, so every transport can share it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import airflow_provider_twilio2008.api as api


def test_api_package_imports_no_airflow_and_no_transport() -> None:
    modules = [
        info.name for info in pkgutil.walk_packages(api.__path__, prefix="airflow_provider_twilio2008.api.")
    ]
    assert "airflow_provider_twilio2008.api.operations.calls" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "banned = ('airflow', 'requests', 'httpx', 'urllib3', 'starlette', 'uvicorn', 'asyncio')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in banned))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
