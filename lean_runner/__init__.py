"""Core of the backtest workbench: engine, runners, store, DSL and services. No web imports."""
