"""Testing helpers for users of the provider: the ``twilio2008`` pytest plugin."""
