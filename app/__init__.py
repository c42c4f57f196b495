"""The Panel dashboard (arrives with the dashboard issue)."""
