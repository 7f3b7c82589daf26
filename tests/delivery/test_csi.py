"""CSI delivery under the mocks: one SecretProviderClass per consuming workload, exactly its secrets,
pinned to the store's full version ids, mounted read-only by its own identity; no Secret holds a value."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from fluxlit_secrets.engine import Recording
from fluxlit_secrets.engine.check import evaluate, resources_of
from fluxlit_secrets.engine.mocks import unwrap
from fluxlit_secrets.errors import ConfigError
from fluxlit_secrets.model.labels import RESTART_ANNOTATION, SECRETS_DIR, WORKLOAD_LABEL
from tests.clouds.test_clouds import CLOUDS
from tests.conftest import base_config, parse_app, synth_config

SPC = "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
GATEWAY_FILES = {"FLUXLIT_JWT_HS256_SECRET", "FLUXLIT_OIDC_BFF_SECRET", "OIDC_CLIENT_SECRET", "REPORTS_TOKEN"}
#: Every cloud and identity flavour: (store, settings overrides).
FLAVOURS = {
    "aws-irsa": ("aws", {}),
    "aws-pod-identity": ("aws", {"identity": "pod-identity", "clusterName": "prod-eks"}),
    "gcp-direct": ("gcp", {}),
    "gcp-service-account-gke": ("gcp", {"identity": "service-account", "csiProvider": "gke"}),
    "azure": ("azure", {}),
}


def csi_config(store: str, **settings: Any) -> dict[str, Any]:
    config = base_config()
    config.update(store=store, delivery="csi", disposable=False)
    config[store] = {**copy.deepcopy(CLOUDS[store]), **settings}
    config["deployments"]["readsSecretsDir"] = True
    config["secrets"]["reports-token"]["consumers"]["streamlit"] = {"as": "file", "name": "REPORTS_TOKEN"}
    return config


def by_workload(rec: Recording, type_: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for r in rec.of_type(type_):
        inputs = unwrap(r.inputs)
        workload = inputs["metadata"]["labels"][WORKLOAD_LABEL]
        assert workload not in found, f"two {type_} for {workload}"
        found[workload] = inputs
    return found


def objects(spc: dict[str, Any]) -> list[dict[str, Any]]:
    """The pinned objects as (file, name, version) whatever the provider."""
    params = spc["spec"]["parameters"]
    provider = spc["spec"]["provider"]
    if provider in ("gcp", "gke"):
        return [
            {"file": o["path"], "name": o["resourceName"], "version": o["resourceName"], "mode": o["mode"]}
            for o in yaml.safe_load(params["secrets"])
        ]
    listed = yaml.safe_load(params["objects"])
    if provider == "azure":
        listed = [yaml.safe_load(item) for item in listed["array"]]
    return [
        {
            "file": o["objectAlias"],
            "name": o["objectName"],
            "version": o["objectVersion"],
            "mode": int(o["filePermission"], 8),
        }
        for o in listed
    ]


def current_versions(rec: Recording, store: str) -> dict[str, str]:
    """Full id of each secret's current version, as the (mock) provider answered."""
    if store == "aws":
        return {
            r.name.rsplit("-v", 1)[0].removeprefix("admin-portal-"): r.outputs["versionId"]
            for r in rec.of_type("aws:secretsmanager/secretVersion:SecretVersion")
            if "AWSCURRENT" in r.outputs.get("versionStages", [])
        }
    if store == "gcp":
        versions = {}
        for r in rec.of_type("gcp:secretmanager/secretVersion:SecretVersion"):
            secret = r.name.removeprefix("admin-portal-").rsplit("-v", 1)[0].removesuffix("-version")
            versions.setdefault(secret, []).append(r.outputs["name"])
        return {s: max(v, key=lambda n: int(n.rsplit("/", 1)[1])) for s, v in versions.items()}
    return {
        r.name.removeprefix("admin-portal-"): r.outputs["properties"]["secretUriWithVersion"]
        .rstrip("/")
        .rsplit("/")[-1]
        for r in rec.of_type("azure-native:keyvault:Secret")
    }


@pytest.fixture(scope="module", params=sorted(FLAVOURS))
def flavour(request: pytest.FixtureRequest) -> tuple[str, str, dict[str, Any], Recording]:
    store, settings = FLAVOURS[request.param]
    config = csi_config(store, **settings)
    return request.param, store, config, synth_config(config)


def test_one_provider_class_per_consuming_workload_with_exactly_its_files(flavour) -> None:
    _, _, _, rec = flavour
    classes = by_workload(rec, SPC)
    assert set(classes) == {"gateway", "streamlit"}
    assert {o["file"] for o in objects(classes["gateway"])} == GATEWAY_FILES
    assert {o["file"] for o in objects(classes["streamlit"])} == {"REPORTS_TOKEN"}
    for spc in classes.values():
        assert spc["apiVersion"] == "secrets-store.csi.x-k8s.io/v1"
        assert spc["metadata"]["namespace"] == "admin-portal-dev"
        assert "secretObjects" not in spc["spec"]
        assert all(o["mode"] == 0o444 for o in objects(spc))


def test_every_object_is_pinned_to_the_stores_full_current_version(flavour) -> None:
    _, store, _, rec = flavour
    current = current_versions(rec, store)
    spc = by_workload(rec, SPC)["gateway"]
    pinned = {o["file"]: o["version"] for o in objects(spc)}
    assert pinned["FLUXLIT_JWT_HS256_SECRET"] == current["jwt"]
    assert pinned["REPORTS_TOKEN"] == current["reports-token"]
    assert pinned["OIDC_CLIENT_SECRET"] == current["oidc"]
    for version in pinned.values():
        assert version and "latest" not in version and version != "AWSCURRENT"
        if store == "gcp":
            assert version.startswith("projects/314159265358/secrets/")


def test_provider_parameters_follow_each_cloud(flavour) -> None:
    name, store, config, rec = flavour
    spc = by_workload(rec, SPC)["gateway"]
    params = spc["spec"]["parameters"]
    if store == "aws":
        assert spc["spec"]["provider"] == "aws"
        assert params["region"] == "us-east-1"
        assert params.get("usePodIdentity") == ("true" if name == "aws-pod-identity" else None)
        arns = {r.outputs["arn"] for r in rec.of_type("aws:secretsmanager/secret:Secret")}
        assert {o["name"] for o in objects(spc)} <= arns
    elif store == "gcp":
        assert spc["spec"]["provider"] == ("gke" if "gke" in name else "gcp")
    else:
        identities = {
            unwrap(r.inputs)["resourceName"]: r.outputs["clientId"]
            for r in rec.of_type("azure-native:managedidentity:UserAssignedIdentity")
        }
        assert params["clientID"] == identities["id-admin-portal_test_gateway"]
        assert params["keyvaultName"] == config["azure"]["vaultName"]
        assert params["tenantId"] == config["azure"]["tenantId"]
        assert params["usePodIdentity"] == "false"
        assert {o["name"] for o in objects(spc)} == {
            f"admin-portal--test--{s}" for s in ("jwt", "bff", "oidc", "reports-token")
        }


def test_pods_mount_their_own_class_read_only_at_the_secrets_dir(flavour) -> None:
    name, _, _, rec = flavour
    classes = by_workload(rec, SPC)
    for workload, dep in by_workload(rec, DEPLOYMENT).items():
        spec = dep["spec"]["template"]["spec"]
        (volume,) = [v for v in spec["volumes"] if "csi" in v]
        assert volume["csi"] == {
            "driver": "secrets-store-gke.csi.k8s.io" if "gke" in name else "secrets-store.csi.k8s.io",
            "readOnly": True,
            "volumeAttributes": {"secretProviderClass": classes[workload]["metadata"]["name"]},
        }
        (mount,) = [m for m in spec["containers"][0]["volumeMounts"] if m["name"] == volume["name"]]
        assert mount == {"name": volume["name"], "mountPath": SECRETS_DIR, "readOnly": True}
        assert not [e for e in spec["containers"][0]["env"] if "valueFrom" in e]
        assert spec["serviceAccountName"] == f"admin-portal-{workload}"


def test_no_kubernetes_secret_holds_a_value(flavour) -> None:
    _, _, _, rec = flavour
    assert rec.of_type("kubernetes:core/v1:Secret") == []
    for r in rec.of_type("fluxlit-secrets:index:WorkloadDelivery"):
        assert rec.component_output(r.urn, "secretName") is None
        assert rec.component_output(r.urn, "providerClassName")


def test_the_csi_stack_passes_every_mandatory_rule(flavour) -> None:
    _, _, _, rec = flavour
    assert [v for v in evaluate(resources_of(rec)) if v.level == "mandatory"] == []


def _rolled(rec: Recording) -> dict[str, tuple[str, str]]:
    classes = by_workload(rec, SPC)
    return {
        w: (dep["spec"]["template"]["metadata"]["annotations"][RESTART_ANNOTATION], classes[w]["metadata"]["name"])
        for w, dep in by_workload(rec, DEPLOYMENT).items()
    }


@pytest.mark.parametrize("store", ["aws", "gcp", "azure"])
@pytest.mark.parametrize(("secret", "restarts"), [("jwt", {"gateway"}), ("reports-token", {"gateway", "streamlit"})])
def test_a_rotation_renames_the_class_and_rolls_exactly_its_consumers(store: str, secret: str, restarts: set) -> None:
    first = synth_config(csi_config(store))
    config = csi_config(store)
    config["secrets"][secret]["generation"] = 2
    before, after = _rolled(first), _rolled(synth_config(config, since=first))
    assert {w for w in before if before[w][0] != after[w][0]} == restarts
    assert {w for w in before if before[w][1] != after[w][1]} == restarts


def test_the_old_class_goes_only_after_its_replacement_and_the_rollout() -> None:
    config = csi_config("gcp")
    config["secrets"]["jwt"]["generation"] = 3
    rec = synth_config(config)
    for r in rec.of_type(SPC):
        assert r.options["deleteBeforeReplace"] is False
    # The retiring version (disabled on GCP) waits for the Deployments that mounted it.
    retiring = next(r for r in rec.registrations if r.type == "fluxlit-secrets:index:RetiringVersion")
    deployments = {r.urn for r in rec.of_type(DEPLOYMENT)}
    assert deployments & set(retiring.options["dependsOn"])


def test_overlap_pins_the_previous_version_too() -> None:
    config = csi_config("aws")
    config["secrets"]["jwt"].update(generation=2, overlap=True)
    rec = synth_config(config)
    pinned = {o["file"]: o["version"] for o in objects(by_workload(rec, SPC)["gateway"])}
    versions = {r.name: r.outputs["versionId"] for r in rec.of_type("aws:secretsmanager/secretVersion:SecretVersion")}
    assert pinned["FLUXLIT_JWT_HS256_SECRET"] == versions["admin-portal-jwt-v2"]
    assert pinned["FLUXLIT_JWT_HS256_SECRET_PREVIOUS"] == versions["admin-portal-jwt-v1"]


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"store": "kubernetes"}, "fluxlit-secrets:delivery", "kubernetes store"),
        (
            {"reports-token-streamlit": {"as": "env", "name": "REPORTS_TOKEN"}},
            "fluxlit-secrets:secrets.reports-token.consumers.streamlit.as",
            "mounts files only",
        ),
        ({"overlap": True}, "fluxlit-secrets:secrets.jwt.overlap", "cannot be pinned"),
    ],
)
def test_what_csi_cannot_deliver_is_refused_in_one_line(change: dict, key: str, words: str) -> None:
    config = csi_config("azure")
    if "store" in change:
        config["store"] = "kubernetes"
    if "reports-token-streamlit" in change:
        config["secrets"]["reports-token"]["consumers"]["streamlit"] = change["reports-token-streamlit"]
    if "overlap" in change:
        config["secrets"]["jwt"]["overlap"] = True
    with pytest.raises(ConfigError) as err:
        parse_app(config, environment="test")
    message = str(err.value)
    assert key in message and words in message and "\n" not in message


def test_gcp_csi_provider_is_a_closed_choice() -> None:
    config = csi_config("gcp", csiProvider="google")
    with pytest.raises(ConfigError, match=r"fluxlit-secrets:gcp.csiProvider: unknown CSI provider"):
        parse_app(config, environment="test")


CSI_DELIVERY = {
    "app": "shop",
    "namespace": "shop",
    "workload": "streamlit",
    "store": "gcp",
    "delivery": "csi",
    "gcp": {"project": "acme-prod-271828", "project_number": "314159265358"},
    "secrets": [
        {
            "secret": "reports-token",
            "mode": "file",
            "name": "REPORTS_TOKEN",
            "version": "7",
            "ref": "projects/acme-prod-271828/secrets/shop_prod_reports-token",
            "full_version": "projects/314159265358/secrets/shop_prod_reports-token/versions/7",
        }
    ],
}


def test_an_app_stack_builds_a_csi_delivery_by_hand(tmp_path) -> None:
    from tests.components.test_contract import run

    rec = run(tmp_path, "WorkloadDelivery", CSI_DELIVERY)
    (spc,) = [unwrap(r.inputs) for r in rec.of_type(SPC)]
    assert objects(spc) == [
        {
            "file": "REPORTS_TOKEN",
            "name": CSI_DELIVERY["secrets"][0]["full_version"],
            "version": CSI_DELIVERY["secrets"][0]["full_version"],
            "mode": 0o444,
        }
    ]
    assert rec.of_type("kubernetes:core/v1:Secret") == []
    (component,) = rec.of_type("fluxlit-secrets:index:WorkloadDelivery")
    name = spc["metadata"]["name"]
    assert rec.component_output(component.urn, "providerClassName") == name
    (volume,) = rec.component_output(component.urn, "volumes")
    assert volume["csi"]["volumeAttributes"]["secretProviderClass"] == name


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"value": "v"}, "secrets.0.value"),
        ({"full_version": None}, "secrets.0.full_version"),
        ({"mode": "env"}, "secrets.0.mode"),
    ],
)
def test_a_csi_delivery_by_hand_receives_no_value_and_needs_pins(tmp_path, change: dict, where: str) -> None:
    from tests.components.test_contract import run

    entry = {k: v for k, v in {**CSI_DELIVERY["secrets"][0], **change}.items() if v is not None}
    with pytest.raises(Exception) as err:
        run(tmp_path, "WorkloadDelivery", {**CSI_DELIVERY, "secrets": [entry]})
    assert f'WorkloadDelivery "x": {where}' in str(err.value)


def test_a_csi_delivery_on_the_kubernetes_store_is_refused(tmp_path) -> None:
    from tests.components.test_contract import run

    with pytest.raises(Exception) as err:
        run(tmp_path, "WorkloadDelivery", {**CSI_DELIVERY, "store": "kubernetes"})
    assert 'WorkloadDelivery "x": store' in str(err.value)


@pytest.mark.parametrize("store", ["aws", "gcp", "azure"])
def test_the_unified_pod_gets_one_class_with_every_file(store: str) -> None:
    config = csi_config(store)
    config["topology"] = "unified"
    rec = synth_config(config)
    classes = by_workload(rec, SPC)
    assert set(classes) == {"app"}
    assert {o["file"] for o in objects(classes["app"])} == GATEWAY_FILES
    assert [v for v in evaluate(resources_of(rec)) if v.level == "mandatory"] == []


def test_without_deployments_the_fragments_carry_the_csi_volume() -> None:
    config = csi_config("aws")
    del config["deployments"]
    rec = synth_config(config)
    (lifecycle,) = rec.of_type("fluxlit-secrets:index:SecretLifecycle")
    fragments = rec.component_output(lifecycle.urn, "podFragments")
    classes = by_workload(rec, SPC)
    for workload, fragment in fragments.items():
        (volume,) = fragment["volumes"]
        assert volume["csi"]["volumeAttributes"]["secretProviderClass"] == classes[workload]["metadata"]["name"]
        assert fragment["volumeMounts"] == [{"name": volume["name"], "mountPath": SECRETS_DIR, "readOnly": True}]
        assert fragment["env"] == []
    names = rec.component_output(lifecycle.urn, "providerClassNames")
    assert names == {w: c["metadata"]["name"] for w, c in classes.items()}
