"""Apache Airflow provider for Twilio's original REST API, version 2008-08-01."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
