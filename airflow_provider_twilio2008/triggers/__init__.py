"""Asynchronous transport (httpx) and the deferrable triggers that wait on calls and recordings."""
