"""Copies of a secret value, found by value, through the CrossGuard pack and `check`'s evaluation
alike (one table, both code paths, the same verdicts): a passing and a failing case per path."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from fluxlit_secrets.engine.check import evaluate
from fluxlit_secrets.model.resources import Res
from fluxlit_secrets.policy.rules import RULES
from tests.policy.test_rules import run

RULE = "no-copy-of-a-secret-value"
VALUE = "correct horse battery staple"  # a passphrase: nothing about its shape says secret
HEX_VALUE = "9f86d081884c7d659a2feaa0c55ad015"
OURS = "urn:pulumi:s::p::fluxlit-secrets:index:SecretLifecycle$fluxlit-secrets:index:ManagedSecret$"
SECRET, CONFIG_MAP = "kubernetes:core/v1:Secret", "kubernetes:core/v1:ConfigMap"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def digest(name: str, text: str = VALUE) -> str:
    h = hashlib.new(name, text.encode())
    return h.hexdigest(32) if name.startswith("shake") else h.hexdigest()  # type: ignore[call-arg]


def ours(value: str = VALUE) -> tuple[str, dict[str, Any], str]:
    """The package's delivery Secret holding the value."""
    return (
        SECRET,
        {"metadata": {"name": "shop-gateway", "namespace": "shop"}, "data": {"JWT": b64(value)}},
        (OURS + f"{SECRET}::shop-gateway"),
    )


def config_map(data: dict[str, str]) -> tuple[str, dict[str, Any]]:
    return CONFIG_MAP, {"metadata": {"name": "settings", "namespace": "shop"}, "data": data}


def pod(*, env: list | None = None, annotations: dict | None = None, labels: dict | None = None) -> tuple:
    template = {
        "metadata": {"annotations": annotations or {}, "labels": labels or {}},
        "spec": {"containers": [{"name": "app", "image": "shop:1", "env": env or []}]},
    }
    return DEPLOYMENT, {"metadata": {"name": "web", "namespace": "shop"}, "spec": {"template": template}}


CASES: list[tuple[str, list[tuple], bool]] = [
    ("a ConfigMap holds the value", [ours(), config_map({"KEY": VALUE})], True),
    ("a ConfigMap holds other text", [ours(), config_map({"KEY": "correct horse"})], False),
    (
        "the package's ManagedSecret component shows its value as an output (CrossGuard sees components)",
        [ours(), ("fluxlit-secrets:index:ManagedSecret", {"value": VALUE})],
        False,
    ),
    ("a ConfigMap holds it in a URL", [ours(), config_map({"DSN": f"postgres://u:{VALUE}@db/x"})], True),
    ("a ConfigMap holds its base64", [ours(), config_map({"KEY": b64(VALUE)})], True),
    ("a ConfigMap holds its hex", [ours(), config_map({"KEY": VALUE.encode().hex()})], True),
    ("another Secret holds it under another key", [ours(), (SECRET, {"stringData": {"copy": VALUE}})], True),
    ("another Secret holds it base64", [ours(), (SECRET, {"data": {"copy": b64(VALUE)}})], True),
    ("another Secret holds something else", [ours(), (SECRET, {"stringData": {"copy": "other-value-1"}})], False),
    ("an env value holds it", [ours(), pod(env=[{"name": "DB", "value": VALUE}])], True),
    ("an env value reads it from the Secret", [ours(), pod(env=[{"name": "DB", "valueFrom": {}}])], False),
    ("an annotation holds its sha256", [ours(), pod(annotations={"checksum/secret": digest("sha256")})], True),
    ("an annotation holds a sha3 prefix", [ours(), pod(annotations={"x": digest("sha3_256")[:12]})], True),
    ("an annotation holds a blake2b hash", [ours(), pod(annotations={"x": digest("blake2b")})], True),
    ("an annotation holds a shake_128 prefix", [ours(), pod(annotations={"x": digest("shake_128")[:16]})], True),
    ("a label holds an md5 prefix of 8", [ours(), pod(labels={"v": digest("md5")[:8]})], True),
    ("a label holds 7 hex digits of it", [ours(), pod(labels={"v": digest("md5")[:7]})], False),
    ("an annotation key holds a hash", [ours(), pod(annotations={f"h-{digest('sha1')[:10]}": "x"})], True),
    ("an annotation hashes other text", [ours(), pod(annotations={"x": digest("sha256", "other")})], False),
    (
        "a hex secret's hash prefix",
        [ours(HEX_VALUE), pod(annotations={"x": digest("sha512", HEX_VALUE)[:10]})],
        True,
    ),
    (
        "a team's own password in the team's own Secret",
        [
            ("random:index/randomPassword:RandomPassword", {"result": "team-db-password-1"}),
            (SECRET, {"stringData": {"password": "team-db-password-1"}}),
        ],
        False,
    ),
    (
        "a team's own password in a ConfigMap",
        [
            ("random:index/randomPassword:RandomPassword", {"result": "team-db-password-1"}),
            config_map({"password": "team-db-password-1"}),
        ],
        True,
    ),
    (
        "a cloud secret version's payload in a ConfigMap",
        [("aws:secretsmanager/secretVersion:SecretVersion", {"secretString": VALUE}), config_map({"k": VALUE})],
        True,
    ),
    (
        "a Key Vault secret's value in an env value",
        [("azure-native:keyvault:Secret", {"properties": {"value": VALUE}}), pod(env=[{"name": "K", "value": VALUE}])],
        True,
    ),
]


@pytest.mark.parametrize(("resources", "copied"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_copy_is_found_by_value_by_the_pack_and_by_check(resources: list[tuple], copied: bool) -> None:
    pack = run(RULE, *resources)  # asserts check's verdicts are the same
    assert bool(pack) is copied, pack
    for message in pack:
        assert VALUE not in message and HEX_VALUE not in message and b64(VALUE) not in message


def test_a_value_marked_secret_in_a_plain_place_is_a_copy() -> None:
    """What only `check` sees (CrossGuard unwraps markers first): an env value taken from an Output."""
    deployment = Res(
        type=DEPLOYMENT,
        name="web",
        urn="urn:pulumi:s::p::d::web",
        props=pod(env=[{"name": "TOKEN", "value": "tok-12345678"}])[1],
        secret_values=("tok-12345678",),
    )
    (found,) = evaluate([deployment], [r for r in RULES if r.name == RULE])
    assert "env[0].value" in found.message and "tok-12345678" not in found.message


@pytest.mark.parametrize(
    ("data", "copied"),
    [({"K": "value-0042-of-many"}, True), ({"K": "value-of-none"}, False), ({"K": b64("value-0077-of-many")}, True)],
)
def test_among_many_values_a_copy_is_found_as_among_few(data: dict[str, str], copied: bool) -> None:
    """Past a few dozen values the search indexes their heads instead of trying each: same verdicts."""
    many = [(SECRET, {"stringData": {"v": f"value-{i:04d}-of-many"}}) for i in range(100)]
    assert bool(run(RULE, *many, config_map(data))) is copied
