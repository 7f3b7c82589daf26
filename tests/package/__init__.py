"""The package's shape, public API and dependencies."""

#: The package's internal layers these tests open, white-box (tests/package/test_public_api.py).
OPENS: tuple[str, ...] = ()
