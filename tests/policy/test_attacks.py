"""App stacks that add their own resources to a SecretLifecycle: `check` (and so the CrossGuard pack)
finds every path by which gateway material, a record or a cloud secret reaches the wrong pod,
however the pods are labelled."""

import hashlib
from pathlib import Path
from typing import Any

import pytest

from fluxlit_secrets.engine.check import evaluate, resources_of
from fluxlit_secrets.engine.project import _as_config_string, load_project
from fluxlit_secrets.engine.run import run_program
from tests.clouds.test_clouds import CLOUDS
from tests.conftest import OIDC_VALUE, base_config

KNOWN_VALUE = "AttackerCanSeeThisValue-0000000000000000000000000000000000000001"
SHA = hashlib.sha256(KNOWN_VALUE.encode()).hexdigest()

PROGRAM = """\
import json
import pulumi
import pulumi_kubernetes as k8s
from fluxlit_secrets.components.program import main

lifecycle = main()
gateway_secret = lifecycle.secret_names.apply(lambda n: n["gateway"])
NS = "admin-portal-dev"


def pod(name, spec, labels=None, namespace=NS, annotations=None):
    k8s.apps.v1.Deployment(
        name,
        metadata={"namespace": namespace},
        spec={
            "selector": {"matchLabels": labels or {"app": name}},
            "template": {
                "metadata": {"labels": labels or {"app": name}, "annotations": annotations or {}},
                "spec": {"automountServiceAccountToken": False, **spec},
            },
        },
    )


def container(**extra):
    return {"name": "c", "image": "ghcr.io/acme/ui:1", "command": ["streamlit", "run", "app.py"], **extra}


"""

OIDC_CONFIG = 'pulumi.Config("fluxlit-secrets").require_secret("oidcClientSecret")'
ATTACKS: dict[str, tuple[str, str, str]] = {
    # copies of a value, found by value (issue 25): the OIDC client secret from the stack's config
    "value-copied-into-a-config-map": (
        "kubernetes",
        f'k8s.core.v1.ConfigMap("leak", metadata={{"namespace": NS}}, data={{"OIDC": {OIDC_CONFIG}}})',
        "no-copy-of-a-secret-value",
    ),
    "value-copied-into-a-secret-of-its-own": (
        "kubernetes",
        f'k8s.core.v1.Secret("copy", metadata={{"namespace": NS}}, string_data={{"x": {OIDC_CONFIG}}})',
        "no-copy-of-a-secret-value",
    ),
    "sha3-prefix-of-the-value-in-an-annotation": (
        "kubernetes",
        "import hashlib\n"
        f'pod("hashed", {{"containers": [container()]}}, annotations={{"v": {OIDC_CONFIG}.apply('
        "lambda v: hashlib.sha3_256(v.encode()).hexdigest()[:12])})",
        "no-copy-of-a-secret-value",
    ),
    "host-path-volume": (
        "kubernetes",
        'pod("host", {"containers": [container()], "volumes": [{"name": "h", "hostPath": {"path": "/var/lib/kubelet"}}]})',
        "no-host-files",
    ),
    # name: (store, program addition, rule expected to fire)
    "projected-gateway-secret-in-streamlit": (
        "kubernetes",
        'pod("ui", {"serviceAccountName": "admin-portal-streamlit", "containers": [container(volumeMounts=[{"name": "p", '
        '"mountPath": "/p", "readOnly": True}])], "volumes": [{"name": "p", "projected": {"defaultMode": 256, '
        '"sources": [{"secret": {"name": gateway_secret}}]}}]})',
        "streamlit-no-gateway-secrets",
    ),
    "record-mounted": (
        "kubernetes",
        'pod("thief", {"containers": [container(volumeMounts=[{"name": "r", "mountPath": "/r", "readOnly": True}])], '
        '"volumes": [{"name": "r", "secret": {"secretName": "admin-portal-jwt-v1", "defaultMode": 256}}]}, '
        'namespace="admin-portal-dev-records")',
        "no-pod-reads-a-record",
    ),
    "record-by-secret-key-ref": (
        "kubernetes",
        'pod("thief", {"containers": [container(env=[{"name": "X", "valueFrom": {"secretKeyRef": '
        '{"name": "admin-portal-bff-v1", "key": "value"}}}])]}, namespace="admin-portal-dev-records")',
        "no-pod-reads-a-record",
    ),
    "relabelled-pod-mounts-gateway-jwt": (
        "kubernetes",
        'pod("shop-ui", {"containers": [container(volumeMounts=[{"name": "s", "mountPath": "/s", "readOnly": True}])], '
        '"volumes": [{"name": "s", "secret": {"secretName": gateway_secret, "defaultMode": 256, '
        '"items": [{"key": "FLUXLIT_JWT_HS256_SECRET", "path": "k"}]}}]}, labels={"app": "shop-ui"})',
        "streamlit-no-gateway-secrets",
    ),
    "gateway-labels-on-streamlit-pod": (
        "kubernetes",
        'pod("fake-gw", {"serviceAccountName": "admin-portal-streamlit", "containers": [container(envFrom=[{"secretRef": '
        '{"name": gateway_secret}}])]}, labels={"fluxlit-secrets/workload": "gateway"})',
        "streamlit-no-gateway-secrets",
    ),
    "role-reads-secrets-with-projected-token": (
        "kubernetes",
        'k8s.rbac.v1.Role("reader", metadata={"name": "reader", "namespace": NS}, rules=[{"apiGroups": [""], "resources": ["secrets"], '
        '"verbs": ["get"]}])\n'
        'k8s.rbac.v1.RoleBinding("reader", metadata={"name": "reader", "namespace": NS}, role_ref={"apiGroup": "rbac.authorization.k8s.io", '
        '"kind": "Role", "name": "reader"}, subjects=[{"kind": "ServiceAccount", "name": "admin-portal-streamlit", '
        '"namespace": NS}])\n'
        'pod("ui", {"serviceAccountName": "admin-portal-streamlit", "containers": [container()], "volumes": [{"name": "t", '
        '"projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}]})',
        "streamlit-no-gateway-secrets",
    ),
    # Identities are what the component created, never labels or commands.
    "app-made-service-account-labelled-like-ours": (
        "kubernetes",
        'k8s.core.v1.ServiceAccount("fake", metadata={"name": "fake-gateway", "namespace": NS, "labels": '
        '{"fluxlit-secrets/workload": "gateway", "app.kubernetes.io/managed-by": "fluxlit-secrets"}})\n'
        'pod("fake", {"serviceAccountName": "fake-gateway", "containers": [container(command=["python", "-m", "gw"], '
        'envFrom=[{"secretRef": {"name": gateway_secret}}])]})',
        "streamlit-no-gateway-secrets",
    ),
    "fluxlit-run-as-the-gateway": (
        "kubernetes",
        'pod("second", {"serviceAccountName": "admin-portal-gateway", "containers": [container(command=["fluxlit", '
        '"run"])]})',
        "identity-only-its-deployment",
    ),
    "job-as-the-gateway": (
        "kubernetes",
        'k8s.batch.v1.Job("mint", metadata={"namespace": NS}, spec={"template": {"spec": {"restartPolicy": "Never", '
        '"serviceAccountName": "admin-portal-gateway", "containers": [container(command=["sh"])]}}})',
        "identity-only-its-deployment",
    ),
    "legacy-token-secret-of-the-gateway": (
        "kubernetes",
        'k8s.core.v1.Secret("tok", metadata={"name": "gw-token", "namespace": NS, "annotations": '
        '{"kubernetes.io/service-account.name": "admin-portal-gateway"}}, type="kubernetes.io/service-account-token")',
        "identity-only-its-deployment",
    ),
    # Objects that carry a pod template without being a Deployment.
    "deployment-patch-mounts-gateway-secret": (
        "kubernetes",
        'k8s.apps.v1.DeploymentPatch("patch", metadata={"name": "admin-portal-streamlit", "namespace": NS}, '
        'spec={"template": {"spec": {"containers": [container(envFrom=[{"secretRef": {"name": gateway_secret}}])]}}})',
        "streamlit-no-gateway-secrets",
    ),
    "argo-rollout-mounts-gateway-secret": (
        "kubernetes",
        'k8s.apiextensions.CustomResource("rollout", api_version="argoproj.io/v1alpha1", kind="Rollout", '
        'metadata={"namespace": NS}, spec={"template": {"spec": {"serviceAccountName": "admin-portal-streamlit", '
        '"containers": [container(envFrom=[{"secretRef": {"name": gateway_secret}}])]}}})',
        "streamlit-no-gateway-secrets",
    ),
    "config-group-mounts-gateway-secret": (
        "kubernetes",
        'k8s.yaml.v2.ConfigGroup("cg", objs=[{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": '
        '{"name": "cg", "namespace": NS}, "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": '
        '{"labels": {"a": "b"}}, "spec": {"automountServiceAccountToken": False, "containers": [container('
        'envFrom=[{"secretRef": {"name": gateway_secret}}])]}}}}])',
        "streamlit-no-gateway-secrets",
    ),
    "literal-password-in-env": (
        "kubernetes",
        'pod("ui", {"containers": [container(env=[{"name": "DB_PASSWORD", "value": "hunter2-is-my-password"}])]})',
        "no-secret-literal-in-env",
    ),
    "checksum-prefix-of-a-value": (
        "kubernetes",
        f'k8s.core.v1.Secret("mine", metadata={{"namespace": NS}}, string_data={{"k": "{KNOWN_VALUE}"}})\n'
        f'pod("ui", {{"containers": [container()]}}, annotations={{"checksum/secret": "{SHA[:12]}"}})',
        "restart-annotation-not-a-hash",
    ),
    "envfrom-gateway-secret-in-another-pod": (
        "kubernetes",
        'pod("ui", {"serviceAccountName": "admin-portal-streamlit", "containers": [container(envFrom=[{"secretRef": '
        '{"name": gateway_secret}}])]})',
        "streamlit-no-gateway-secrets",
    ),
    "world-readable-secret-volume": (
        "kubernetes",
        'k8s.core.v1.Secret("mine", metadata={"name": "mine", "namespace": NS}, string_data={"k": "v"})\n'
        'pod("ui", {"containers": [container(volumeMounts=[{"name": "s", "mountPath": "/s", "readOnly": True}])], '
        '"volumes": [{"name": "s", "secret": {"secretName": "mine", "defaultMode": 420}}]})',
        "secret-volumes-read-only",
    ),
    "api-token-mounted": (
        "kubernetes",
        'pod("ui", {"automountServiceAccountToken": True, "containers": [container()]})',
        "automount-token-off",
    ),
    "object-in-the-default-namespace": (
        "kubernetes",
        'k8s.core.v1.ConfigMap("settings", metadata={"namespace": "default"}, data={"mode": "demo"})',
        "no-default-namespace",
    ),
    "aws-get-star-on-streamlit-role": (
        "aws",
        "import pulumi_aws as aws\n"
        'aws.iam.RolePolicy("more", role="admin-portal_test_streamlit", policy=json.dumps({"Statement": [{"Effect": '
        '"Allow", "Action": "secretsmanager:Get*", "Resource": "arn:aws:secretsmanager:us-east-1:111122223333:secret:'
        'fluxlit/admin-portal/test/jwt-??????"}]}))',
        "cloud-secrets-read-by-their-workloads",
    ),
    "aws-customer-policy-attached-to-streamlit": (
        "aws",
        "import pulumi_aws as aws\n"
        'p = aws.iam.Policy("more", policy=json.dumps({"Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", '
        '"Resource": "arn:aws:secretsmanager:us-east-1:111122223333:secret:fluxlit/admin-portal/test/jwt-??????"}]}))\n'
        'aws.iam.RolePolicyAttachment("more", role="admin-portal_test_streamlit", policy_arn=p.arn)',
        "cloud-secrets-read-by-their-workloads",
    ),
    "aws-app-prefix-wildcard": (
        "aws",
        "import pulumi_aws as aws\n"
        'aws.iam.RolePolicy("more", role="admin-portal_test_streamlit", policy=json.dumps({"Statement": [{"Effect": '
        '"Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:*:*:secret:'
        'fluxlit/admin-portal/*"}]}))',
        "secret-grants-name-secrets",
    ),
    "aws-not-action-star": (
        "aws",
        "import pulumi_aws as aws\n"
        'aws.iam.RolePolicy("more", role="admin-portal_test_streamlit", policy=json.dumps({"Statement": [{"Effect": '
        '"Allow", "NotAction": "iam:*", "Resource": "*"}]}))',
        "secret-grants-name-secrets",
    ),
    "aws-managed-read-write": (
        "aws",
        "import pulumi_aws as aws\n"
        'aws.iam.RolePolicyAttachment("more", role="admin-portal_test_streamlit", '
        'policy_arn="arn:aws:iam::aws:policy/SecretsManagerReadWrite")',
        "secret-grants-name-secrets",
    ),
    "aws-trust-anyone": (
        "aws",
        "import pulumi_aws as aws\n"
        'aws.iam.Role("open", assume_role_policy=json.dumps({"Statement": [{"Effect": "Allow", '
        '"Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}))',
        "identity-trust-one-subject",
    ),
    "aws-sts-star-unconditioned": (
        "aws",
        "import pulumi_aws as aws\n"
        'aws.iam.Role("open", assume_role_policy=json.dumps({"Statement": [{"Effect": "Allow", '
        '"Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:*"}]}))',
        "identity-trust-one-subject",
    ),
    "aws-secret-resource-policy-anyone": (
        "aws",
        "import pulumi_aws as aws\n"
        'aws.secretsmanager.SecretPolicy("open", secret_arn="arn:aws:secretsmanager:us-east-1:111122223333:secret:x", '
        'policy=json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:*", '
        '"Resource": "*"}]}))',
        "secret-grants-name-secrets",
    ),
    "gcp-all-authenticated-users": (
        "gcp",
        "import pulumi_gcp as gcp\n"
        'gcp.secretmanager.SecretIamMember("open", project="acme-prod-271828", '
        'secret_id="projects/acme-prod-271828/secrets/admin-portal_test_jwt", '
        'role="roles/secretmanager.secretAccessor", member="allAuthenticatedUsers")',
        "identity-trust-one-subject",
    ),
    "gcp-project-iam-policy": (
        "gcp",
        "import pulumi_gcp as gcp\n"
        'gcp.projects.IAMPolicy("open", project="acme-prod-271828", policy_data=json.dumps({"bindings": [{"role": '
        '"roles/secretmanager.secretAccessor", "members": ["serviceAccount:x@acme-prod-271828.iam.gserviceaccount.com"]}]}))',
        "secret-grants-name-secrets",
    ),
    "gcp-principal-set": (
        "gcp",
        "import pulumi_gcp as gcp\n"
        'gcp.secretmanager.SecretIamBinding("open", project="acme-prod-271828", '
        'secret_id="projects/acme-prod-271828/secrets/admin-portal_test_jwt", role="roles/secretmanager.secretAccessor", '
        'members=["principalSet://iam.googleapis.com/projects/314159265358/locations/global/workloadIdentityPools/'
        'acme-prod-271828.svc.id.goog/namespace/admin-portal-dev"])',
        "identity-trust-one-subject",
    ),
    "azure-owner-on-vault": (
        "azure",
        "import pulumi_azure_native as az\n"
        'az.authorization.RoleAssignment("open", principal_id="00000000-0000-0000-0000-00000000000a", '
        'role_definition_id="/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/'
        '8e3af657-a8ff-443c-a75c-2fe8c4bcb635", scope="/subscriptions/s/resourceGroups/rg-portal/providers/'
        'Microsoft.KeyVault/vaults/kv-portal-prod")',
        "secret-grants-name-secrets",
    ),
    "azure-secrets-user-on-vault-in-group-named-secrets": (
        "azure",
        "import pulumi_azure_native as az\n"
        'az.authorization.RoleAssignment("open", principal_id="00000000-0000-0000-0000-00000000000a", '
        'role_definition_id="/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/'
        '4633458b-17de-408a-b874-0445c86b69e6", scope="/subscriptions/s/resourceGroups/secrets/providers/'
        'Microsoft.KeyVault/vaults/kv-portal-prod")',
        "secret-grants-name-secrets",
    ),
    "azure-upper-case-role-guid": (
        "azure",
        "import pulumi_azure_native as az\n"
        'az.authorization.RoleAssignment("open", principal_id="00000000-0000-0000-0000-00000000000a", '
        'role_definition_id="/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/'
        '4633458B-17DE-408A-B874-0445C86B69E6", scope="/subscriptions/s/resourceGroups/rg-portal/providers/'
        'Microsoft.KeyVault/vaults/kv-portal-prod")',
        "secret-grants-name-secrets",
    ),
    "azure-foreign-issuer-on-gateway-identity": (
        "azure",
        "import pulumi_azure_native as az\n"
        'az.managedidentity.FederatedIdentityCredential("foreign", resource_group_name="rg-portal", '
        'resource_name_="id-admin-portal_test_gateway", federated_identity_credential_resource_name="x", '
        'issuer="https://attacker.example.com/", subject="system:serviceaccount:other:thief", '
        'audiences=["api://AzureADTokenExchange"])',
        "identity-one-federation",
    ),
}


def config(store: str) -> dict[str, str]:
    cfg: dict[str, Any] = base_config()
    if store != "kubernetes":
        cfg.update(store=store, disposable=False, **{store: CLOUDS[store]})
    values = {f"fluxlit-secrets:{k}": _as_config_string(v) for k, v in cfg.items()}
    values["fluxlit-secrets:oidcClientSecret"] = OIDC_VALUE
    return values


def findings(tmp_path: Path, store: str, addition: str) -> list[tuple[str, str]]:
    (tmp_path / "Pulumi.yaml").write_text("name: shop\nruntime: python\n", encoding="utf-8")
    (tmp_path / "__main__.py").write_text(PROGRAM + addition + "\n", encoding="utf-8")
    rec = run_program(load_project(tmp_path), "test", config(store), secret_keys=["fluxlit-secrets:oidcClientSecret"])
    return [(v.rule, v.level) for v in evaluate(resources_of(rec))]


def test_the_attacks_cover_26_additions() -> None:
    assert len(ATTACKS) >= 26


@pytest.mark.parametrize("store", ["kubernetes", "aws", "gcp", "azure"])
def test_the_app_stack_without_additions_passes(tmp_path: Path, store: str) -> None:
    assert [f for f in findings(tmp_path, store, "") if f[1] == "mandatory"] == []


@pytest.mark.parametrize(("name", "attack"), ATTACKS.items(), ids=list(ATTACKS))
def test_check_finds_each_malicious_addition(tmp_path: Path, name: str, attack: tuple[str, str, str]) -> None:
    store, addition, rule = attack
    assert (rule, "mandatory") in findings(tmp_path, store, addition)
