"""Synchronous transport: an Airflow connection becomes an authenticated ``requests`` session."""
