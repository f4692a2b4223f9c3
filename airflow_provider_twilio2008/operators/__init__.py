"""Operators that place calls, send SMS, redirect calls and download recordings."""
