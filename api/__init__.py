"""Tornado handlers for the REST and WebSocket API (arrives with the API issue)."""
