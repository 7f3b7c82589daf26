"""Tests of the offline engine itself (loading, mocks, plans, rendering, typed config)."""

#: The package's internal layers these tests open, white-box (tests/package/test_public_api.py).
OPENS: tuple[str, ...] = ("cli", "components", "engine", "model")
