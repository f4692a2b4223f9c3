"""The Twilio 2008-08-01 protocol, with no I/O and no Airflow imports.

Both transports (``requests`` in the hook, ``httpx`` in triggers) and the emulator call into
this package: it knows the paths, the element names, the codes and the rules; they only move
bytes.
"""
