"""Airflow notifiers that alert people by SMS through Twilio's 2008-08-01 API."""
