"""Tests of the multi-language host, served over gRPC, compared with the engine's recording of the Python path."""

#: The package's internal layers these tests open, white-box (tests/package/test_public_api.py).
OPENS: tuple[str, ...] = ("cli", "engine", "version")
