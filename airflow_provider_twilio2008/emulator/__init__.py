"""A local Twilio 2008-08-01 emulator: REST server, simulated telephony, TwiML and the inbox page."""
