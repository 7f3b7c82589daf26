"""The real CLI on a local control plane: internal names only to compute what the API server must hold."""

#: The package's internal layers these tests open, white-box (tests/package/test_public_api.py).
OPENS: tuple[str, ...] = ("delivery", "engine", "model", "policy", "version")
