"""Tests of the model's parsers, with the clouds' settings table."""

#: The package's internal layers these tests open, white-box (tests/package/test_public_api.py).
OPENS: tuple[str, ...] = ("clouds", "components", "model")
