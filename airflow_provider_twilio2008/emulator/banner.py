"""The emulator's start-up banner: what it prints, and the lines that carry the credentials.

The banner names the Account SID and, on a line of its own (:data:`TOKEN_LINE`), the Auth Token,
so that the web inbox can be signed in to as it says; the Airflow connection line
(:data:`CONN_LINE`) comes last and holds the token too. Programs that start the emulator (the
demo, the pytest plugin's process helper) read the connection by its prefix and never echo
either of those two lines.
"""

from __future__ import annotations

__all__ = ["CONN_ENV", "CONN_LINE", "TOKEN_LINE", "banner_lines", "carries_token"]

#: The environment variable of the default Airflow connection.
CONN_ENV = "AIRFLOW_CONN_TWILIO2008_DEFAULT"
#: The start-up line that carries the Airflow connection (always the last line).
CONN_LINE = f"{CONN_ENV}="
#: The start-up line that shows the Auth Token on its own.
TOKEN_LINE = "Auth Token: "


def carries_token(line: str) -> bool:
    """Return whether a start-up line holds the Auth Token (so must not be echoed or logged).

    :param line: one printed line.
    """
    return line.startswith((TOKEN_LINE, CONN_LINE))


def banner_lines(
    base_url: str, account_sid: str, auth_token: str, time_scale: float, db_path: str, conn_uri: str
) -> list[str]:
    """Return the lines printed when the emulator starts, the connection line last.

    :param base_url: the server's URL.
    :param account_sid: the seed account.
    :param auth_token: its Auth Token (printed on its own line, to sign in to the inbox).
    :param time_scale: simulated seconds per real second.
    :param db_path: the SQLite file.
    :param conn_uri: the Airflow connection URI (holds the token).
    """
    return [
        f"Twilio 2008-08-01 emulator listening on {base_url}",
        f"Account SID: {account_sid}  (time scale {time_scale:g}, db {db_path})",
        f"{TOKEN_LINE}{auth_token}",
        f"Web inbox: {base_url}/ (sign in with the Account SID and Auth Token above)",
        f"{CONN_LINE}{conn_uri}",
    ]
