"""Tests of each cloud folder: its settings, names, store, identity and policy, run through the engine
and judged by the rules."""

#: The package's internal layers these tests open, white-box (tests/package/test_public_api.py).
OPENS: tuple[str, ...] = ("clouds", "engine", "model", "policy")
