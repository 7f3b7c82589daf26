"""Tests of the public components under the offline engine's mock runtime, reading the recording it keeps."""

#: The package's internal layers these tests open, white-box (tests/package/test_public_api.py).
OPENS: tuple[str, ...] = ("engine", "host", "model", "workloads")
