"""The package's version: one place, read by pyproject.toml (setuptools' dynamic version), the
CLI's `--version` and the schema the component host serves, whether the code runs installed or
from this source tree (a component plugin runs from components/, never installed)."""

VERSION = "0.1.0"
