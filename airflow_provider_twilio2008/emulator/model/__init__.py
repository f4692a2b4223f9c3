"""The emulator's state: the SQLite store, the shared Emulator, numbers and record lifecycles."""
