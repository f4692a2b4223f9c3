"""The emulator's start-up banner: what it prints, and the line that carries the Airflow connection.

The connection line is the only place the Auth Token is ever printed; programs that start the
emulator (the demo, the pytest plugin's process helper) read it by its prefix, :data:`CONN_LINE`.
"""

from __future__ import annotations

__all__ = ["CONN_ENV", "CONN_LINE", "banner_lines"]

#: The environment variable of the default Airflow connection.
CONN_ENV = "AIRFLOW_CONN_TWILIO2008_DEFAULT"
#: The start-up line that carries the Airflow connection (and the only one with the token).
CONN_LINE = f"{CONN_ENV}="


def banner_lines(
    base_url: str, account_sid: str, time_scale: float, db_path: str, conn_uri: str
) -> list[str]:
    """Return the lines printed when the emulator starts, the connection line last.

    :param base_url: the server's URL.
    :param account_sid: the seed account.
    :param time_scale: simulated seconds per real second.
    :param db_path: the SQLite file.
    :param conn_uri: the Airflow connection URI (holds the token).
    """
    return [
        f"Twilio 2008-08-01 emulator listening on {base_url}",
        f"Account SID: {account_sid}  (time scale {time_scale:g}, db {db_path})",
        f"Web inbox: {base_url}/ (sign in with the Account SID and Auth Token below)",
        f"{CONN_LINE}{conn_uri}",
    ]
