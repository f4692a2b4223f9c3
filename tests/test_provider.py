"""Airflow finds the provider, its hook and its connection form."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import distribution, entry_points
from pathlib import Path

from airflow_provider_twilio2008.get_provider_info import get_provider_info

VENV_BIN = Path(sys.executable).parent


def test_entry_point_package_name_matches_the_distribution() -> None:
    (entry,) = [
        ep for ep in entry_points(group="apache_airflow_provider") if ep.value.startswith("airflow_provider")
    ]
    assert entry.load()()["package-name"] == distribution("airflow-provider-twilio2008").metadata["Name"]
    assert (
        Path(distribution("airflow-provider-twilio2008").locate_file("")) / "airflow_provider_twilio2008"
    ).exists()


def test_providers_manager_maps_the_connection_type_to_the_hook() -> None:
    from airflow.providers_manager import ProvidersManager
    from airflow.sdk.providers_manager_runtime import ProvidersManagerTaskRuntime

    manager = ProvidersManager()
    assert "airflow-provider-twilio2008" in manager.providers
    hook_info = ProvidersManagerTaskRuntime().hooks["twilio2008"]
    assert hook_info is not None
    assert hook_info.hook_class_name == "airflow_provider_twilio2008.hooks.twilio2008.Twilio2008Hook"
    assert hook_info.connection_id_attribute_name == "twilio_conn_id"
    behaviour = manager.field_behaviours["twilio2008"]
    assert behaviour["relabeling"] == {"login": "Account SID", "password": "Auth Token", "host": "Base URL"}
    assert {
        "extra__twilio2008__timeout",
        "extra__twilio2008__retries",
        "extra__twilio2008__default_from",
    } <= set(manager.connection_form_widgets)


def test_airflow_cli_lists_the_provider_and_its_hook() -> None:
    listed = subprocess.run(
        [str(VENV_BIN / "airflow"), "providers", "hooks", "--output", "plain"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    line = next(row for row in listed.splitlines() if row.startswith("twilio2008"))
    assert "airflow_provider_twilio2008.hooks.twilio2008.Twilio2008Hook" in line and "twilio_conn_id" in line
    providers = subprocess.run(
        [str(VENV_BIN / "airflow"), "providers", "list", "--output", "plain"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "airflow-provider-twilio2008" in providers


def test_provider_info_imports_nothing_heavy() -> None:
    code = (
        "import sys; from airflow_provider_twilio2008.get_provider_info import get_provider_info;"
        "get_provider_info();"
        "heavy = [m for m in ('airflow', 'requests', 'lxml', 'starlette') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert get_provider_info()["connection-types"][0]["connection-type"] == "twilio2008"


def test_every_listed_module_and_class_imports() -> None:
    from importlib import import_module

    from airflow_provider_twilio2008.get_provider_info import get_provider_info

    info = get_provider_info()
    modules = [
        m
        for key in ("hooks", "operators", "sensors", "triggers")
        for g in info[key]
        for m in g["python-modules"]
    ]
    assert len(modules) == 9
    for module in modules:
        import_module(module)
    for path in info["notifications"] + info["extra-links"]:
        module, _, name = path.rpartition(".")
        assert hasattr(import_module(module), name), path


def test_airflow_cli_lists_the_notifier() -> None:
    import subprocess
    import sys
    from pathlib import Path

    airflow = Path(sys.executable).with_name("airflow")
    out = subprocess.run(
        [str(airflow), "providers", "notifications"], capture_output=True, text=True, timeout=120
    )
    assert "airflow_provider_twilio2008.notifications.sms.Twilio2008SMSNotifier" in out.stdout, out.stderr[
        -2000:
    ]
