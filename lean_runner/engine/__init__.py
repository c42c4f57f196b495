"""The embedded LEAN-compatible backtesting engine."""
