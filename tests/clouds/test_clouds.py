"""Cloud stores and workload identity under mocks: exact trust, least privilege, kept versions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fluxlit_secrets.clouds.gcp.names import service_account_id
from fluxlit_secrets.engine import Recording
from fluxlit_secrets.engine.mocks import unwrap
from fluxlit_secrets.errors import ConfigError
from tests.conftest import base_config, parse_app, synth_config

OIDC_ARN = (
    "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789"
)
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789"
KMS = "arn:aws:kms:us-east-1:111122223333:key/0f8e2a4c-6b1d-4e3f-9a7b-5c2d1e0f3a4b"
AWS = {"region": "us-east-1", "identity": "irsa", "oidcProviderArn": OIDC_ARN, "kmsKeyArn": KMS}
GCP = {"project": "acme-prod-271828", "projectNumber": "314159265358", "identity": "direct"}
AZURE = {
    "resourceGroup": "rg-portal",
    "location": "westeurope",
    "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "oidcIssuerUrl": "https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/abc/",
    "vaultName": "kv-portal-prod",
}
CLOUDS = {"aws": AWS, "gcp": GCP, "azure": AZURE}
NS = "admin-portal-dev"


def cloud_config(store: str, *, disposable: bool = False, **settings: Any) -> dict[str, Any]:
    config = base_config()
    config["store"] = store
    config["disposable"] = disposable
    config[store] = {**CLOUDS[store], **settings}
    return config


def of(rec: Recording, type_: str) -> list[dict[str, Any]]:
    return [unwrap(r.inputs) for r in rec.of_type(type_)]


def sa_annotations(rec: Recording) -> dict[str, dict[str, str]]:
    return {
        i["metadata"]["name"]: i["metadata"].get("annotations", {})
        for i in of(rec, "kubernetes:core/v1:ServiceAccount")
    }


def outputs_by_name(rec: Recording, type_: str) -> dict[str, dict[str, Any]]:
    return {r.name: r.outputs for r in rec.of_type(type_)}


# ---------------------------------------------------------------- AWS


def test_aws_irsa_trusts_exactly_one_service_account_and_audience() -> None:
    rec = synth_config(cloud_config("aws"))
    roles = {i["name"]: json.loads(i["assumeRolePolicy"]) for i in of(rec, "aws:iam/role:Role")}
    assert set(roles) == {"admin-portal_test_gateway", "admin-portal_test_streamlit"}
    for workload in ("gateway", "streamlit"):
        (statement,) = roles[f"admin-portal_test_{workload}"]["Statement"]
        assert statement["Principal"] == {"Federated": OIDC_ARN}
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        assert statement["Condition"] == {
            "StringEquals": {
                f"{ISSUER}:sub": f"system:serviceaccount:{NS}:admin-portal-{workload}",
                f"{ISSUER}:aud": "sts.amazonaws.com",
            }
        }
    arns = {o["name"]: o["arn"] for o in outputs_by_name(rec, "aws:iam/role:Role").values()}
    assert sa_annotations(rec)["admin-portal-gateway"] == {
        "eks.amazonaws.com/role-arn": arns["admin-portal_test_gateway"]
    }


def _policies(rec: Recording) -> dict[str, dict[str, Any]]:
    return {i["role"]: json.loads(i["policy"]) for i in of(rec, "aws:iam/rolePolicy:RolePolicy")}


def test_aws_policies_read_exactly_the_consumed_secrets() -> None:
    rec = synth_config(cloud_config("aws"))
    arns = {
        o["name"].rsplit("/", 1)[-1]: o["arn"]
        for o in outputs_by_name(rec, "aws:secretsmanager/secret:Secret").values()
    }
    assert all(
        a.startswith("arn:aws:secretsmanager:us-east-1:111122223333:secret:fluxlit/admin-portal/test/")
        for a in arns.values()
    )
    policies = _policies(rec)
    gateway = policies["admin-portal_test_gateway"]["Statement"]
    streamlit = policies["admin-portal_test_streamlit"]["Statement"]
    assert gateway[0]["Action"] == ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    assert set(gateway[0]["Resource"]) == {arns["jwt"], arns["bff"], arns["oidc"], arns["reports-token"]}
    assert streamlit[0]["Resource"] == [arns["reports-token"]]
    for statements in (gateway, streamlit):
        assert statements[1] == {
            "Sid": "DecryptThroughSecretsManager",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": KMS,
            "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}},
        }
        text = json.dumps(statements)
        assert '"*"' not in text and "secretsmanager:*" not in text


def test_aws_secret_names_tags_kms_and_recovery() -> None:
    rec = synth_config(cloud_config("aws", recoveryWindowInDays=14))
    secrets = {i["name"]: i for i in of(rec, "aws:secretsmanager/secret:Secret")}
    assert set(secrets) == {f"fluxlit/admin-portal/test/{s}" for s in ("jwt", "bff", "oidc", "reports-token")}
    for name, s in secrets.items():
        assert s["kmsKeyId"] == KMS
        assert s["recoveryWindowInDays"] == 14
        readers = "gateway-streamlit" if name.endswith("reports-token") else "gateway"
        assert s["tags"] == {
            "app": "admin-portal",
            "environment": "test",
            "managed-by": "fluxlit-secrets",
            "readers": readers,
        }


def test_aws_pod_identity_uses_an_association_and_no_annotation() -> None:
    rec = synth_config(cloud_config("aws", identity="pod-identity", clusterName="prod-eks"))
    (statement,) = json.loads(of(rec, "aws:iam/role:Role")[0]["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert statement["Action"] == ["sts:AssumeRole", "sts:TagSession"]
    associations = of(rec, "aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert {(a["clusterName"], a["namespace"], a["serviceAccount"]) for a in associations} == {
        ("prod-eks", NS, "admin-portal-gateway"),
        ("prod-eks", NS, "admin-portal-streamlit"),
    }
    assert all("eks.amazonaws.com/role-arn" not in a for a in sa_annotations(rec).values())


def test_aws_rotation_keeps_the_previous_version() -> None:
    config = cloud_config("aws")
    config["secrets"]["jwt"]["generation"] = 2
    rec = synth_config(config)
    versions = {r.name: r for r in rec.of_type("aws:secretsmanager/secretVersion:SecretVersion")}
    assert {"admin-portal-jwt-v1", "admin-portal-jwt-v2"} <= set(versions)
    assert all(r.options["retainOnDelete"] for r in versions.values())
    assert unwrap(versions["admin-portal-jwt-v2"].inputs)["versionStages"] == ["AWSCURRENT"]
    assert unwrap(versions["admin-portal-jwt-v1"].inputs)["versionStages"] == ["AWSPREVIOUS"]


# ---------------------------------------------------------------- GCP


def test_gcp_direct_grants_one_accessor_per_consumed_secret_to_the_ksa_principal() -> None:
    rec = synth_config(cloud_config("gcp"))
    members = of(rec, "gcp:secretmanager/secretIamMember:SecretIamMember")
    principal = (
        "principal://iam.googleapis.com/projects/314159265358/locations/global/workloadIdentityPools/"
        "acme-prod-271828.svc.id.goog/subject/ns/" + NS + "/sa/admin-portal-{}"
    )
    grants = {(m["member"], m["secretId"].rsplit("/", 1)[-1]) for m in members}
    assert grants == {
        *((principal.format("gateway"), f"admin-portal_test_{s}") for s in ("jwt", "bff", "oidc", "reports-token")),
        (principal.format("streamlit"), "admin-portal_test_reports-token"),
    }
    assert all(m["role"] == "roles/secretmanager.secretAccessor" for m in members)
    assert not rec.of_type("gcp:projects/iAMMember:IAMMember")


def test_gcp_service_account_flavour() -> None:
    rec = synth_config(cloud_config("gcp", identity="service-account"))
    gsas = {i["accountId"] for i in of(rec, "gcp:serviceaccount/account:Account")}
    # Ids of 6-30 characters, one per app, stack and workload (a project holds many of each).
    gateway, streamlit = (
        service_account_id("admin-portal", "test", "gateway"),
        service_account_id("admin-portal", "test", "streamlit"),
    )
    assert gsas == {gateway, streamlit} and all(6 <= len(g) <= 30 for g in gsas)
    assert service_account_id("admin-portal", "prod", "gateway") != gateway
    users = of(rec, "gcp:serviceaccount/iAMMember:IAMMember")
    assert {u["member"] for u in users} == {
        f"serviceAccount:acme-prod-271828.svc.id.goog[{NS}/admin-portal-gateway]",
        f"serviceAccount:acme-prod-271828.svc.id.goog[{NS}/admin-portal-streamlit]",
    }
    assert all(u["role"] == "roles/iam.workloadIdentityUser" for u in users)
    assert sa_annotations(rec)["admin-portal-gateway"] == {
        "iam.gke.io/gcp-service-account": f"{gateway}@acme-prod-271828.iam.gserviceaccount.com"
    }
    members = {m["member"] for m in of(rec, "gcp:secretmanager/secretIamMember:SecretIamMember")}
    assert members == {
        f"serviceAccount:{gateway}@acme-prod-271828.iam.gserviceaccount.com",
        f"serviceAccount:{streamlit}@acme-prod-271828.iam.gserviceaccount.com",
    }


def test_gcp_replication_and_versions_are_never_destroyed() -> None:
    config = cloud_config("gcp", replication=["europe-west1", "europe-west4"])
    config["secrets"]["bff"]["generation"] = 3
    rec = synth_config(config)
    secrets = of(rec, "gcp:secretmanager/secret:Secret")
    assert all(
        s["replication"] == {"userManaged": {"replicas": [{"location": "europe-west1"}, {"location": "europe-west4"}]}}
        for s in secrets
    )
    versions = {r.name: unwrap(r.inputs) for r in rec.of_type("gcp:secretmanager/secretVersion:SecretVersion")}
    assert {"admin-portal-bff-v2", "admin-portal-bff-v3"} <= set(versions)
    assert all(v["deletionPolicy"] == "DISABLE" for v in versions.values())
    auto = synth_config(cloud_config("gcp"))
    assert all(s["replication"] == {"auto": {}} for s in of(auto, "gcp:secretmanager/secret:Secret"))


# ---------------------------------------------------------------- Azure


def test_azure_vault_identity_federation_and_per_secret_roles() -> None:
    rec = synth_config(cloud_config("azure"))
    (vault,) = of(rec, "azure-native:keyvault:Vault")
    props = vault["properties"]
    assert props["enableRbacAuthorization"] and props["enableSoftDelete"] and props["enablePurgeProtection"]
    assert props["softDeleteRetentionInDays"] == 90
    creds = of(rec, "azure-native:managedidentity:FederatedIdentityCredential")
    assert {c["subject"] for c in creds} == {
        f"system:serviceaccount:{NS}:admin-portal-gateway",
        f"system:serviceaccount:{NS}:admin-portal-streamlit",
    }
    assert all(
        c["issuer"] == AZURE["oidcIssuerUrl"] and c["audiences"] == ["api://AzureADTokenExchange"] for c in creds
    )
    identities = {r.name: r.outputs for r in rec.of_type("azure-native:managedidentity:UserAssignedIdentity")}
    secret_ids = {o["name"]: r for r in rec.of_type("azure-native:keyvault:Secret") for o in [r.outputs]}
    roles = of(rec, "azure-native:authorization:RoleAssignment")
    by_principal: dict[str, set[str]] = {}
    for role in roles:
        assert role["roleDefinitionId"].endswith("/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6")
        assert "/providers/Microsoft.KeyVault/vaults/kv-portal-prod/secrets/" in role["scope"]
        by_principal.setdefault(role["principalId"], set()).add(role["scope"].rsplit("/", 1)[-1])
    gateway = identities["admin-portal-gateway-identity"]["principalId"]
    streamlit = identities["admin-portal-streamlit-identity"]["principalId"]
    assert by_principal[streamlit] == {"admin-portal--test--reports-token"}
    assert by_principal[gateway] == {f"admin-portal--test--{s}" for s in ("jwt", "bff", "oidc", "reports-token")}
    assert set(secret_ids) == by_principal[gateway]
    ann = sa_annotations(rec)["admin-portal-streamlit"]
    assert ann["azure.workload.identity/client-id"] == identities["admin-portal-streamlit-identity"]["clientId"]
    labels = [d["spec"]["template"]["metadata"]["labels"] for d in of(rec, "kubernetes:apps/v1:Deployment")]
    assert all(label["azure.workload.identity/use"] == "true" for label in labels)


def test_azure_existing_vault_is_used_not_created() -> None:
    vault_id = (
        "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-shared/providers/"
        "Microsoft.KeyVault/vaults/kv-shared"
    )
    config = cloud_config("azure", vaultId=vault_id)
    del config["azure"]["vaultName"]
    rec = synth_config(config)
    assert not rec.of_type("azure-native:keyvault:Vault")
    secrets = of(rec, "azure-native:keyvault:Secret")
    assert {(s["vaultName"], s["resourceGroupName"]) for s in secrets} == {("kv-shared", "rg-shared")}
    scopes = {r["scope"] for r in of(rec, "azure-native:authorization:RoleAssignment")}
    assert all(s.startswith(vault_id + "/secrets/") for s in scopes)


# ---------------------------------------------------------------- every cloud


@pytest.mark.parametrize("store", ["aws", "gcp", "azure"])
def test_containers_are_protected_unless_disposable(store: str) -> None:
    containers = {
        "aws": ["aws:secretsmanager/secret:Secret"],
        "gcp": ["gcp:secretmanager/secret:Secret"],
        "azure": ["azure-native:keyvault:Secret", "azure-native:keyvault:Vault"],
    }[store]
    real = synth_config(cloud_config(store))
    throwaway = synth_config(cloud_config(store, disposable=True))
    for type_ in containers:
        assert real.of_type(type_) and all(r.options["protect"] for r in real.of_type(type_))
        assert not any(r.options["protect"] for r in throwaway.of_type(type_))


@pytest.mark.parametrize("store", ["aws", "gcp", "azure"])
def test_a_workload_with_no_secret_gets_no_cloud_identity(store: str) -> None:
    config = cloud_config(store)
    del config["secrets"]["reports-token"]
    rec = synth_config(config)
    assert sa_annotations(rec)["admin-portal-streamlit"] == {}
    text = json.dumps([r.inputs for r in rec.registrations if not r.type.startswith(("kubernetes:", "fluxlit"))])
    assert "streamlit" not in text


@pytest.mark.parametrize("store", ["aws", "gcp", "azure", "kubernetes"])
def test_rotating_one_secret_touches_only_it_and_its_consumers(store: str) -> None:
    config = cloud_config(store) if store != "kubernetes" else base_config()
    before = synth_config(config)
    config["secrets"]["jwt"]["generation"] = 2
    after = synth_config(config, since=before)
    old = {r.urn: unwrap(r.inputs) for r in before.registrations}
    new = {r.urn: unwrap(r.inputs) for r in after.registrations}
    changed = {urn for urn in old.keys() | new.keys() if old.get(urn) != new.get(urn)}
    allowed_names = ("admin-portal-jwt", "admin-portal-gateway-secret", "admin-portal-workloads-gateway")
    for urn in changed:
        assert urn.rsplit("::", 1)[-1].startswith(allowed_names), urn
    names = {urn.rsplit("::", 1)[-1] for urn in changed}
    assert "admin-portal-gateway-secret" in names
    assert "admin-portal-workloads-gateway" in names
    assert not any("streamlit" in n for n in names)


@pytest.mark.parametrize(
    ("store", "settings", "key", "problem"),
    [
        ("aws", {"region": "us-east"}, "aws.region", "not valid"),
        ("aws", {"oidcProviderArn": "arn:aws:iam::1234:oidc-provider/x"}, "aws.oidcProviderArn", "not valid"),
        ("aws", {"identity": "irsa2"}, "aws.identity", "did you mean 'irsa'"),
        ("aws", {"identity": "pod-identity"}, "aws.clusterName", "missing"),
        ("aws", {"kmsKeyArn": "arn:aws:kms:us-east-1:111122223333:key/nope"}, "aws.kmsKeyArn", "not valid"),
        ("aws", {"kmsKeyArn": KMS.replace("us-east-1", "eu-west-1")}, "aws.kmsKeyArn", "not in us-east-1"),
        ("aws", {"kmsKeyArn": KMS.replace("111122223333", "999988887777")}, "fluxlit-secrets:aws", "several accounts"),
        ("aws", {"accountId": "12345"}, "aws.accountId", "12-digit"),
        ("aws", {"recoveryWindowInDays": 0}, "aws.recoveryWindowInDays", "no recovery"),
        ("aws", {"recoveryWindowInDays": 3}, "aws.recoveryWindowInDays", "0 or from 7 to 30"),
        ("aws", {"namePrefix": "bad prefix"}, "aws.namePrefix", "not valid"),
        ("gcp", {"project": "Acme"}, "gcp.project", "not valid"),
        ("gcp", {"projectNumber": 314159265358}, "gcp.projectNumber", "quote it"),
        ("gcp", {"projectNumber": "abc"}, "gcp.projectNumber", "not valid"),
        ("gcp", {"identity": "sa"}, "gcp.identity", "unknown identity"),
        ("gcp", {"replication": ["Europe West"]}, "gcp.replication", "not auto or a list"),
        ("azure", {"vaultName": "kv"}, "azure.vaultName", "not valid"),
        ("azure", {"vaultName": "kv--double-hyphen"}, "azure.vaultName", "not valid"),
        ("azure", {"vaultName": "a" * 25}, "azure.vaultName", "not valid"),
        ("azure", {"tenantId": "not-a-guid"}, "azure.tenantId", "not valid"),
        ("azure", {"oidcIssuerUrl": "http://insecure.example.com/"}, "azure.oidcIssuerUrl", "not valid"),
        ("azure", {"softDeleteRetentionDays": 5}, "azure.softDeleteRetentionDays", "7 to 90"),
        ("azure", {"location": "West Europe"}, "azure.location", "not valid"),
    ],
)
def test_cloud_settings_are_validated_in_one_line(store: str, settings: dict, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_app(cloud_config(store, **settings), environment="test")
    message = str(info.value)
    assert key in message and problem in message and "\n" not in message


def test_a_cloud_store_needs_its_settings() -> None:
    config = cloud_config("aws")
    del config["aws"]
    with pytest.raises(ConfigError, match="fluxlit-secrets:aws: is missing for store: aws"):
        parse_app(config, environment="test")


def test_store_name_rules_are_checked_per_secret() -> None:
    config = cloud_config("azure")
    config["secrets"]["x" * 63] = {"kind": "opaque", "consumers": {"gateway": {"name": "X"}}}
    with pytest.raises(ConfigError, match="longer than 127"):
        parse_app(config, environment="s" * 60)
    config = cloud_config("azure", disposable=False)
    config["app"] = "1portal"
    with pytest.raises(ConfigError, match="Key Vault name '1portal--test--bff' has characters the store refuses"):
        parse_app(config, environment="test")
    config = cloud_config("aws")
    config["secrets"]["api-key123"] = {"kind": "opaque", "consumers": {"gateway": {"name": "X"}}}
    with pytest.raises(ConfigError, match="like an ARN suffix"):
        parse_app(config, environment="test")


@pytest.mark.parametrize("store", ["aws", "gcp", "azure"])
def test_a_renamed_secret_keeps_its_state_and_its_store_name(store: str) -> None:
    before = synth_config(cloud_config(store))
    config = cloud_config(store)
    config["secrets"]["jwt-signing"] = {**config["secrets"].pop("jwt"), "renamedFrom": "jwt"}
    after = synth_config(config)
    old_urns = {r.urn for r in before.registrations}
    renamed = [r for r in after.registrations if r.name.startswith("admin-portal-jwt-signing")]
    assert renamed
    for r in renamed:
        (alias,) = r.options["aliases"]
        old_urn = r.urn.rsplit("::", 1)[0] + "::" + alias
        assert old_urn in old_urns, f"{r.name} aliases {alias}, which did not exist"
    container_type = {
        "aws": "aws:secretsmanager/secret:Secret",
        "gcp": "gcp:secretmanager/secret:Secret",
        "azure": "azure-native:keyvault:Secret",
    }[store]
    name_key = {"aws": "name", "gcp": "secretId", "azure": "secretName"}[store]
    names = lambda rec: sorted(unwrap(r.inputs)[name_key] for r in rec.of_type(container_type))  # noqa: E731
    assert names(before) == names(after)


@pytest.mark.parametrize(
    ("store", "pattern"),
    [
        ("aws", r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}"),
        ("gcp", r"projects/[0-9]+/secrets/admin-portal_test_jwt/versions/[0-9]+"),
        ("azure", r"[0-9a-f]{32}"),
    ],
)
def test_stores_expose_the_full_version_id_beside_the_short_one(store: str, pattern: str) -> None:
    import re

    rec = synth_config(cloud_config(store))
    (managed,) = [r for r in rec.of_type("fluxlit-secrets:index:ManagedSecret") if r.name == "admin-portal-jwt"]
    full, short = rec.component_output(managed.urn, "fullVersion"), rec.component_output(managed.urn, "version")
    assert re.fullmatch(pattern, full), full
    assert short != full and (store == "gcp" or full.startswith(short))
