"""Calls: placing and receiving them, running their TwiML, conferences, recordings and media."""
