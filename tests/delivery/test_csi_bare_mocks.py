"""CSI delivery under bare mocks written here (echo the inputs, add the few outputs a provider
computes): the SecretProviderClasses pin what these mocks answered, not what the package's own
fakes would, and a provider that leaves an output out does not break the program."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from fluxlit_secrets.engine.project import load_project
from fluxlit_secrets.engine.run import run_program
from tests.clouds.test_clouds import CLOUDS

SPC = "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass"
SIG = "4dabf18193072939515e22adb298388d"


class BareMocks(pulumi.runtime.Mocks):
    """Inputs echoed; per type only the computed outputs named in `computed`."""

    def __init__(self, *, azure_uri: bool = True) -> None:
        self.azure_uri = azure_uri
        self.created: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        out = dict(args.inputs)
        seed = uuid.uuid5(uuid.NAMESPACE_URL, args.name)
        if args.typ == "aws:secretsmanager/secret:Secret":
            out["arn"] = f"arn:aws:secretsmanager:us-east-1:999988887777:secret:{args.inputs['name']}-Q1w2E3"
        elif args.typ == "aws:secretsmanager/secretVersion:SecretVersion":
            out["versionId"] = str(seed)
        elif args.typ == "gcp:secretmanager/secret:Secret":
            out["name"] = f"projects/424242424242/secrets/{args.inputs['secretId']}"
        elif args.typ == "gcp:secretmanager/secretVersion:SecretVersion":
            number = seed.int % 900 + 100
            out["name"] = f"{args.inputs['secret']}/versions/{number}"
            out["version"] = str(number)
        elif args.typ == "azure-native:keyvault:Secret" and self.azure_uri:
            vault, name = args.inputs.get("vaultName", "unnamed"), args.inputs["secretName"]
            given = args.inputs["properties"]
            out["properties"] = {
                **(given.get("value", {}) if SIG in given else given),
                "secretUriWithVersion": f"https://{vault}.vault.azure.net/secrets/{name}/{seed.hex}",
            }
        elif args.typ == "azure-native:managedidentity:UserAssignedIdentity":
            out |= {"clientId": str(uuid.uuid5(seed, "client")), "principalId": str(uuid.uuid5(seed, "principal"))}
        self.created.append((args.typ, args.name, dict(args.inputs), out))
        return f"{args.name}_id", out

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None

    def configure(self, config: dict[str, str], *, preview: bool = False) -> None:
        """Nothing to take from the config (the engine's runner calls it)."""


def build(store: str, mocks: BareMocks, tmp_path: Path) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """Run a program that builds one SecretLifecycle with `delivery: csi`, under `mocks`."""
    config = {
        "app": "shop",
        "store": store,
        "delivery": "csi",
        store: _snake(CLOUDS[store]),
        "secrets": {
            "jwt": {"kind": "jwt-hs256", "generation": 2},
            "reports": {
                "kind": "opaque",
                "consumers": {
                    "gateway": {"as_": "file", "name": "REPORTS"},
                    "streamlit": {"as_": "file", "name": "REPORTS"},
                },
            },
        },
    }
    (tmp_path / "Pulumi.yaml").write_text("name: bare\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        f"import fluxlit_secrets\nfluxlit_secrets.SecretLifecycle('shop', {config!r})\n"
    )
    run_program(load_project(tmp_path), "prod", {}, secret_keys=[], mocks=mocks)  # type: ignore[arg-type]
    return mocks.created


def _snake(settings: dict[str, Any]) -> dict[str, Any]:
    import re

    return {re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), k): v for k, v in settings.items()}


def objects(spc: dict[str, Any]) -> dict[str, str]:
    params, provider = spc["spec"]["parameters"], spc["spec"]["provider"]
    if provider in ("gcp", "gke"):
        return {o["path"]: o["resourceName"] for o in yaml.safe_load(params["secrets"])}
    listed = yaml.safe_load(params["objects"])
    if provider == "azure":
        listed = [yaml.safe_load(item) for item in listed["array"]]
    return {o["objectAlias"]: o["objectVersion"] for o in listed}


@pytest.mark.parametrize("store", ["aws", "gcp", "azure"])
def test_the_pins_are_what_the_mocks_answered(store: str, tmp_path: Path) -> None:
    created = build(store, BareMocks(), tmp_path)
    classes = {i["metadata"]["labels"]["fluxlit-secrets/workload"]: i for t, _, i, _ in created if t == SPC}
    # Ids and names only: nothing in a SecretProviderClass is secret (metadata and spec readable).
    assert all(SIG not in i["metadata"] and SIG not in i["spec"] for i in classes.values())
    assert set(classes) == {"gateway", "streamlit"}
    assert set(objects(classes["gateway"])) == {"FLUXLIT_JWT_HS256_SECRET", "REPORTS"}
    assert set(objects(classes["streamlit"])) == {"REPORTS"}
    answered = {}
    for typ, name, _, out in created:
        if typ == "aws:secretsmanager/secretVersion:SecretVersion" and "AWSCURRENT" in out.get("versionStages", []):
            answered[name.rsplit("-v", 1)[0]] = out["versionId"]
        elif typ == "gcp:secretmanager/secretVersion:SecretVersion":
            key = name.rsplit("-v", 1)[0]
            if name.endswith("-v2") or key not in answered:
                answered[key] = out["name"]
        elif typ == "azure-native:keyvault:Secret":
            answered[name] = out["properties"]["secretUriWithVersion"].rsplit("/", 1)[-1]
    assert objects(classes["gateway"])["FLUXLIT_JWT_HS256_SECRET"] == answered["shop-jwt"]
    assert objects(classes["streamlit"])["REPORTS"] == answered["shop-reports"]
    assert not [t for t, *_ in created if t == "kubernetes:core/v1:Secret"]


def test_an_azure_provider_without_the_version_uri_does_not_break_the_program(tmp_path: Path) -> None:
    created = build("azure", BareMocks(azure_uri=False), tmp_path)
    (gateway,) = [i for t, _, i, _ in created if t == SPC and "gateway" in i["metadata"]["name"]]
    assert set(objects(gateway).values()) == {""}  # unpinned: the policy rule refuses it, nothing crashed
