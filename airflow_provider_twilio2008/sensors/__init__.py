"""Sensors that wait for calls to end and for their recordings."""
