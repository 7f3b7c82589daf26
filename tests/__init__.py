"""The test suite. Each folder's `__init__` says which internal layers its tests open, and why."""

#: The internal layers the shared fixtures (conftest.py) open: they run the project's program under
#: the engine's mocks, with the clouds' settings table, and parse configs with the model.
OPENS: tuple[str, ...] = ("clouds", "engine", "model")
