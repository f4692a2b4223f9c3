"""Provider metadata returned to Airflow through the ``apache_airflow_provider`` entry point."""

from __future__ import annotations

from typing import Any

from . import __version__

PACKAGE_NAME = "airflow-provider-twilio2008"
HOOK_MODULE = "airflow_provider_twilio2008.hooks.twilio2008"
HOOK_CLASS = f"{HOOK_MODULE}.Twilio2008Hook"
INTEGRATION = "Twilio (2008-08-01 API)"


def get_provider_info() -> dict[str, Any]:
    """Return the provider description (names, hooks, connection form); imports nothing heavy."""
    return {
        "package-name": PACKAGE_NAME,
        "name": "Twilio 2008-08-01",
        "description": "Calls, SMS, recordings and more through Twilio's original REST API (2008-08-01), "
        "with a local emulator for tests.",
        "versions": [__version__],
        "integrations": [
            {
                "integration-name": INTEGRATION,
                "external-doc-url": "https://www.twilio.com/docs/api/2008-08-01/rest",
                "tags": ["service"],
            }
        ],
        "hooks": [
            {
                "integration-name": INTEGRATION,
                "python-modules": [HOOK_MODULE, "airflow_provider_twilio2008.hooks.twilio2008_async"],
            },
        ],
        "operators": [
            {
                "integration-name": INTEGRATION,
                "python-modules": [
                    "airflow_provider_twilio2008.operators.calls",
                    "airflow_provider_twilio2008.operators.sms",
                    "airflow_provider_twilio2008.operators.recordings",
                ],
            }
        ],
        "sensors": [
            {
                "integration-name": INTEGRATION,
                "python-modules": [
                    "airflow_provider_twilio2008.sensors.calls",
                    "airflow_provider_twilio2008.sensors.sms",
                ],
            }
        ],
        "triggers": [
            {
                "integration-name": INTEGRATION,
                "python-modules": [
                    "airflow_provider_twilio2008.triggers.calls",
                    "airflow_provider_twilio2008.triggers.sms",
                ],
            }
        ],
        "notifications": ["airflow_provider_twilio2008.notifications.sms.Twilio2008SMSNotifier"],
        "extra-links": ["airflow_provider_twilio2008.links.Twilio2008Link"],
        "connection-types": [
            {
                "connection-type": "twilio2008",
                "hook-class-name": HOOK_CLASS,
                "hook-name": "Twilio (2008-08-01 API)",
                "ui-field-behaviour": {
                    "hidden-fields": ["schema", "port"],
                    "relabeling": {"login": "Account SID", "password": "Auth Token", "host": "Base URL"},
                    "placeholders": {
                        "login": "AC followed by 32 hex digits",
                        "password": "32 hex digits",
                        "host": "https://api.twilio.com",
                    },
                },
                "conn-fields": {
                    "timeout": {
                        "label": "Request timeout (seconds)",
                        "description": "Seconds allowed for each HTTP request.",
                        "schema": {"type": ["number", "null"], "default": 30, "minimum": 1, "maximum": 3600},
                    },
                    "retries": {
                        "label": "Retries",
                        "description": "Re-tries of a failed read or delete; creates are never re-sent.",
                        "schema": {"type": ["integer", "null"], "default": 3, "minimum": 0, "maximum": 10},
                    },
                    "default_from": {
                        "label": "Default caller number",
                        "description": "Your Twilio number used as Caller / From when a task names none.",
                        "schema": {"type": ["string", "null"]},
                    },
                    "create_settle": {
                        "label": "Create settle time (seconds)",
                        "description": (
                            "After a call or SMS create whose answer was lost, a retry waits this "
                            "long for it to land before creating again."
                        ),
                        "schema": {"type": ["number", "null"], "default": 60, "minimum": 0, "maximum": 3600},
                    },
                },
            }
        ],
    }
