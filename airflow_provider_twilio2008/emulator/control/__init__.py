"""The control side: the ``/_emulator`` endpoints, fault injection and the web inbox."""
