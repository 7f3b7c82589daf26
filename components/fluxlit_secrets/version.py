"""The installed package's version (the CLI's `--version`, the component host's schema)."""

from importlib.metadata import PackageNotFoundError, version

from fluxlit_secrets.model.labels import PACKAGE


def installed_version(default: str) -> str:
    """The version pip installed, or `default` when the package is run from a source tree."""
    try:
        return version(PACKAGE)
    except PackageNotFoundError:
        return default
