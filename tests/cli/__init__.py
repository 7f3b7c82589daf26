"""Tests of the command line: they drive `cli.main` and read what the engine wrote and the model it parsed."""

#: The package's internal layers these tests open, white-box (tests/package/test_public_api.py).
OPENS: tuple[str, ...] = ("cli", "engine", "model")
