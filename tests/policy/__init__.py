"""Tests of the rules: pure functions over resources, fed by the engine's recordings."""

#: The package's internal layers these tests open, white-box (tests/package/test_public_api.py).
OPENS: tuple[str, ...] = ("cli", "components", "engine", "model", "policy", "version")
