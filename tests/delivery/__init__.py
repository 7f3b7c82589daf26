"""Tests of delivery: the Secret or SecretProviderClass and fragments each workload gets, recorded by the engine."""

#: The package's internal layers these tests open, white-box (tests/package/test_public_api.py).
OPENS: tuple[str, ...] = ("delivery", "engine", "model")
