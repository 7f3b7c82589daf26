"""`python -m fluxlit_secrets`: the `fluxlit-secrets` command."""

from fluxlit_secrets.cli import entry

if __name__ == "__main__":
    entry()
