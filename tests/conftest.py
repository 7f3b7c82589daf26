"""Shared fixtures: run the real project's program under the package's own mocks."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest

from fluxlit_secrets.clouds import CLOUD_MODELS
from fluxlit_secrets.engine import ProviderMocks, Recording
from fluxlit_secrets.engine.project import _as_config_string, load_project
from fluxlit_secrets.engine.run import run_program
from fluxlit_secrets.model import AppModel, parse_config
from fluxlit_secrets.model.parse import config_keys_of

ROOT = Path(__file__).resolve().parents[1]

#: Known values for the leak scans: every generated secret and config secret of the dev stack.
KNOWN = {
    "admin-portal-jwt-g1": "KnownJwtValue0000000000000000000000000000000000000000000000000001",
    "admin-portal-jwt-g2": "KnownJwtValue0000000000000000000000000000000000000000000000000002",
    "admin-portal-bff-g1": "KnownBffValue0000000000000000000000000000000000000000000000000001",
    "admin-portal-reports-token-g1": "KnownReportsValue00000000000000000000000000000000000000000000001",
}
OIDC_VALUE = "KnownOidcClientSecretValue-0123456789"

BASE: dict[str, Any] = {
    "app": "admin-portal",
    "namespace": "admin-portal-dev",
    "disposable": True,
    "topology": "split",
    "deployments": {"image": "ghcr.io/acme/admin-portal:1.4.2"},
    "secrets": {
        "jwt": {"kind": "jwt-hs256", "generation": 1},
        "bff": {"kind": "oidc-bff", "generation": 1},
        "oidc": {"kind": "oidc-client", "configKey": "oidcClientSecret"},
        "reports-token": {
            "kind": "opaque",
            "consumers": {
                "gateway": {"as": "file", "name": "REPORTS_TOKEN"},
                "streamlit": {"as": "env", "name": "REPORTS_TOKEN"},
            },
        },
    },
}


def base_config() -> dict[str, Any]:
    """A deep copy of the dev-like config, for a test to change."""
    return copy.deepcopy(BASE)


def synth_config(
    config: dict[str, Any],
    *,
    secure: dict[str, str] | None = None,
    plain: dict[str, str] | None = None,
    stack: str = "test",
    since: Recording | None = None,
) -> Recording:
    """Run the project's program with `fluxlit-secrets:*` config given as a Python mapping (`since`:
    an earlier run in this process, whose values the mocks compare with, as `rotate` does)."""
    project = load_project(ROOT)
    secure = {"oidcClientSecret": OIDC_VALUE} if secure is None else secure
    values = {f"fluxlit-secrets:{k}": _as_config_string(v) for k, v in config.items()}
    values.update({f"fluxlit-secrets:{k}": v for k, v in (plain or {}).items()})
    values.update({f"fluxlit-secrets:{k}": v for k, v in secure.items()})
    secret_keys = [f"fluxlit-secrets:{k}" for k in secure]
    mocks = ProviderMocks(generated=KNOWN, earlier=since.mocks if since is not None else None)
    return run_program(project, stack, values, secret_keys=secret_keys, mocks=mocks)


def copy_project(tmp_path: Path) -> Path:
    """A copy of the project (program, Pulumi.yaml, stacks) that a test may edit."""
    dest = tmp_path / "project"
    dest.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "stacks", dest / "stacks")
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project in a temporary folder."""
    return copy_project(tmp_path)


@pytest.fixture
def dev_recording() -> Recording:
    """The dev-like config under mocks with known values."""
    return synth_config(base_config())


def parse_app(
    values: dict[str, Any], *, environment: str, secret_config: Any = None, where: str = "stacks/Pulumi.test.yaml"
) -> AppModel:
    """Parse stack-config values (keys without the namespace) as the stack program does."""
    return parse_config(values, environment=environment, clouds=CLOUD_MODELS, where=where, secret_config=secret_config)


def secret_values_only(key: str) -> bool | None:
    """A stack where every key a secret's configKey may name holds a secret, and no structural key does."""
    structural = set(config_keys_of(CLOUD_MODELS))
    return None if key.split(":", 1)[-1] in structural else True
