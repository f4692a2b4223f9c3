"""SMS: sending texts, receiving them and running the application's SMS TwiML."""
