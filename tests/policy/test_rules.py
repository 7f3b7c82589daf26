"""Each rule, through its CrossGuard policy: a passing and a failing resource, built by hand."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
import yaml
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
)

from fluxlit_secrets.engine.check import evaluate
from fluxlit_secrets.model.resources import Res
from fluxlit_secrets.policy.crossguard import policies
from fluxlit_secrets.policy.rules import RULES

POLICIES = {p.name: p for p in policies()}


def opts(protect: bool = False) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=protect,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
    )


def run(rule: str, *resources: tuple[Any, ...], protect: bool = False) -> list[str]:
    """Violations `rule` reports for these (type, props) or (type, props, urn) resources, through
    the CrossGuard pack; `check`'s evaluation of the same resources must give the same verdicts."""
    found = _pack(rule, *resources, protect=protect)
    assert sorted(found) == sorted(_check(rule, *resources, protect=protect)), "the pack and check disagree"
    return found


def _check(rule: str, *resources: tuple[Any, ...], protect: bool) -> list[str]:
    """`check`'s code path: the resources as Res, the rule evaluated as `check` evaluates it."""
    listed = []
    for i, r in enumerate(resources):
        urn = r[2] if len(r) > 2 else f"urn:pulumi:s::p::{r[0]}::r{i}"
        listed.append(Res(type=r[0], name=urn.rsplit("::", 1)[-1], urn=urn, props=r[1], protect=protect))
    return [v.message for v in evaluate(listed, [r for r in RULES if r.name == rule])]


def _pack(rule: str, *resources: tuple[Any, ...], protect: bool) -> list[str]:
    policy = POLICIES[rule]
    found: list[str] = []

    def report(message: str, urn: str | None = None) -> None:
        found.append(message)

    if isinstance(policy, ResourceValidationPolicy):
        for i, (type_, props, *_) in enumerate(resources):
            args = ResourceValidationArgs(type_, props, f"urn:pulumi:s::p::{type_}::r{i}", f"r{i}", opts(protect), None)
            policy.validate(args, report)
    else:
        urns = [r[2] if len(r) > 2 else f"urn:pulumi:s::p::{r[0]}::r{i}" for i, r in enumerate(resources)]
        stack = [
            PolicyResource(r[0], r[1], urn, urn.rsplit("::", 1)[-1], opts(protect), None, None, [], {})
            for r, urn in zip(resources, urns, strict=True)
        ]
        policy.validate(StackValidationArgs(stack), report)
    return found


DEPLOYMENT = "kubernetes:apps/v1:Deployment"
SECRET = "kubernetes:core/v1:Secret"
SA = "kubernetes:core/v1:ServiceAccount"


def deployment(
    *,
    workload: str = "gateway",
    env: list | None = None,
    env_from: list | None = None,
    volumes: list | None = None,
    mounts: list | None = None,
    automount: Any = False,
    annotations: dict | None = None,
    namespace: str | None = "shop",
    image: str = "i:1",
) -> tuple[str, dict[str, Any]]:
    container: dict[str, Any] = {"name": "c", "image": image, "env": env or [], "volumeMounts": mounts or []}
    if env_from:
        container["envFrom"] = env_from
    return DEPLOYMENT, {
        "metadata": {"name": "d", **({"namespace": namespace} if namespace else {})},
        "spec": {
            "template": {
                "metadata": {"labels": {"fluxlit-secrets/workload": workload}, "annotations": annotations or {}},
                "spec": {
                    "serviceAccountName": "shop" if workload == "app" else f"shop-{workload}",
                    "automountServiceAccountToken": automount,
                    "containers": [container],
                    "volumes": volumes or [],
                },
            }
        },
    }


IDENTITY = "fluxlit-secrets:index:WorkloadIdentity"


def identity(workload: str) -> tuple[tuple[str, dict[str, Any], str], ...]:
    """The WorkloadIdentity fluxlit-secrets creates for a workload (its record) and its ServiceAccount
    (what the workload's pods run as), at the URNs the engine gives them."""
    labels = {"fluxlit-secrets/workload": workload, "app.kubernetes.io/managed-by": "fluxlit-secrets"}
    name = "shop" if workload == "app" else f"shop-{workload}"
    record = {"app": "shop", "workload": workload, "namespace": "shop", "serviceAccountName": name}
    return (
        (IDENTITY, {"identity": record}, f"urn:pulumi:s::p::{IDENTITY}::shop-{workload}"),
        (
            SA,
            {"metadata": {"name": name, "namespace": "shop", "labels": labels}, "automountServiceAccountToken": False},
            f"urn:pulumi:s::p::{IDENTITY}${SA}::shop-{workload}-sa",
        ),
    )


def claim(name: str) -> dict[str, Any]:
    return {"name": name, "persistentVolumeClaim": {"claimName": name}}


def secret(name: str, keys: dict[str, str], workload: str | None = None) -> tuple[str, dict[str, Any]]:
    labels = {"fluxlit-secrets/workload": workload} if workload else {}
    return SECRET, {"metadata": {"name": name, "namespace": "shop", "labels": labels}, "stringData": keys}


def file_volume(mode: int | None = 0o400, items: list | None = None) -> dict[str, Any]:
    src: dict[str, Any] = {"secretName": "s"}
    if mode is not None:
        src["defaultMode"] = mode
    if items is not None:
        src["items"] = items
    return {"name": "sv", "secret": src}


def role(trust: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "aws:iam/role:Role", {"assumeRolePolicy": json.dumps(trust)}


def web_trust(condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/x"},
                "Condition": condition,
            }
        ]
    }


def job_as(service_account: str) -> tuple[str, dict[str, Any]]:
    """A Job whose pods run as `service_account`."""
    spec = {"serviceAccountName": service_account, "containers": [{"name": "c", "image": "i:1"}]}
    return "kubernetes:batch/v1:Job", {
        "metadata": {"name": "j", "namespace": "shop"},
        "spec": {"template": {"spec": spec}},
    }


def rollout_as(service_account: str) -> tuple[str, dict[str, Any]]:
    """An Argo Rollout (a custom resource with a pod template) whose pods run as `service_account`."""
    spec = {"serviceAccountName": service_account, "containers": [{"name": "c", "image": "i:1"}]}
    return "kubernetes:argoproj.io/v1alpha1:Rollout", {
        "metadata": {"name": "r", "namespace": "shop"},
        "spec": {"template": {"spec": spec}},
    }


def lifecycle(admission: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A SecretLifecycle as the stack holds it: its outputs."""
    return "fluxlit-secrets:index:SecretLifecycle", {"namespace": "shop", "admission": admission}


def admission_objects(actions: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """The app's ValidatingAdmissionPolicy and a binding with these validationActions."""
    name = "fluxlit-secrets.shop.shop"
    group = "kubernetes:admissionregistration.k8s.io/v1"
    return [
        (f"{group}:ValidatingAdmissionPolicy", {"metadata": {"name": name}, "spec": {"failurePolicy": "Fail"}}),
        (
            f"{group}:ValidatingAdmissionPolicyBinding",
            {"metadata": {"name": name}, "spec": {"policyName": name, "validationActions": actions}},
        ),
    ]


FLUXLIT_MOUNT = {"name": "sv", "mountPath": "/var/run/secrets/fluxlit", "readOnly": True}


def fluxlit_files() -> dict[str, Any]:
    return file_volume(0o400, [{"key": "FLUXLIT_JWT_HS256_SECRET", "path": "FLUXLIT_JWT_HS256_SECRET"}])


def fs_group(resource: tuple[str, dict[str, Any]], group: int | None) -> tuple[str, dict[str, Any]]:
    spec = resource[1]["spec"]["template"]["spec"]
    spec["securityContext"] = {"runAsNonRoot": True, "runAsUser": 10001, **({"fsGroup": group} if group else {})}
    return resource


def reads_dir(resource: tuple[str, dict[str, Any]], reads: bool) -> tuple[str, dict[str, Any]]:
    if reads:
        resource[1]["spec"]["template"]["metadata"]["annotations"]["fluxlit-secrets/secrets-dir"] = "read"
    return resource


def federation(issuer: str, subject: str) -> tuple[str, dict[str, Any]]:
    fed = {"resourceName": "id-shop", "issuer": issuer, "subject": subject, "audiences": ["api://AzureADTokenExchange"]}
    return "azure-native:managedidentity:FederatedIdentityCredential", fed


def streamlit_reads(readers: str) -> list[tuple[Any, ...]]:
    """The Streamlit ServiceAccount's IRSA role reading one AWS secret tagged for `readers`."""
    arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:fluxlit/shop/prod/jwt-AbCdEf"
    sub = {
        "StringEquals": {f"{ISS}:sub": "system:serviceaccount:shop:shop-streamlit", f"{ISS}:aud": "sts.amazonaws.com"}
    }
    policy = {"Statement": [{"Effect": "Allow", "Action": "secretsmanager:Get*", "Resource": arn}]}
    return [
        *identity("streamlit"),
        ("aws:iam/role:Role", {"name": "shop_prod_streamlit", "assumeRolePolicy": json.dumps(web_trust(sub))}),
        ("aws:iam/rolePolicy:RolePolicy", {"role": "shop_prod_streamlit", "policy": json.dumps(policy)}),
        (
            "aws:secretsmanager/secret:Secret",
            {"name": "fluxlit/shop/prod/jwt", "arn": arn, "tags": {"readers": readers}},
        ),
    ]


CSI_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:fluxlit/shop/prod/jwt-AbCdEf"
CSI_VOLUME = {
    "name": "sv",
    "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": True, "volumeAttributes": {"secretProviderClass": "p"}},
}


def provider_class(version: dict[str, str], **spec: Any) -> tuple[str, dict[str, Any]]:
    """An AWS SecretProviderClass `p` in namespace shop with one object."""
    obj = {"objectName": CSI_ARN, "objectType": "secretsmanager", "objectAlias": "REPORTS", **version}
    return "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass", {
        "apiVersion": "secrets-store.csi.x-k8s.io/v1",
        "kind": "SecretProviderClass",
        "metadata": {"name": "p", "namespace": "shop"},
        "spec": {"provider": "aws", "parameters": {"region": "us-east-1", "objects": yaml.safe_dump([obj])}, **spec},
    }


PINNED = {"objectVersion": "9823d109-ce58-4056-a587-b302def84f39"}


def streamlit_mounts(readers: str, annotation_role: str) -> list[tuple[Any, ...]]:
    """The Streamlit pod mounting `p` as its ServiceAccount, annotated with an IRSA role."""
    resources = streamlit_reads(readers)
    resources[1][1]["metadata"]["annotations"] = {
        "eks.amazonaws.com/role-arn": f"arn:aws:iam::111122223333:role/{annotation_role}"
    }
    return [
        *resources,
        provider_class(PINNED),
        deployment(workload="streamlit", volumes=[CSI_VOLUME], mounts=[FLUXLIT_MOUNT]),
    ]


SECRETS_USER = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6"
ISS = "oidc.eks.us-east-1.amazonaws.com/id/AB"
OK_SUB = {"StringEquals": {f"{ISS}:sub": "system:serviceaccount:shop:shop-gateway", f"{ISS}:aud": "sts.amazonaws.com"}}
KEY = "s3cr3t-V4lue-0123456789-abcdefXYZ"

CASES = [
    # rule, passing resources, failing resources
    (
        "csi-volumes-read-only",
        [deployment(volumes=[CSI_VOLUME], mounts=[FLUXLIT_MOUNT])],
        [deployment(volumes=[CSI_VOLUME], mounts=[{**FLUXLIT_MOUNT, "subPath": "REPORTS"}])],
    ),
    (
        "csi-volumes-read-only",
        [deployment(volumes=[CSI_VOLUME], mounts=[FLUXLIT_MOUNT])],
        [deployment(volumes=[{"name": "sv", "csi": {**CSI_VOLUME["csi"], "readOnly": False}}])],
    ),
    ("provider-classes-pinned", [provider_class(PINNED)], [provider_class({"objectVersionLabel": "AWSCURRENT"})]),
    (
        "provider-classes-pinned",
        [provider_class(PINNED)],
        [provider_class(PINNED, secretObjects=[{"secretName": "copy", "type": "Opaque"}])],
    ),
    (
        "provider-classes-read-by-their-identity",
        streamlit_mounts("streamlit", "shop_prod_streamlit"),
        streamlit_mounts("streamlit", "shop_prod_gateway"),
    ),
    (
        "no-secret-literal-in-env",
        [
            deployment(
                env=[
                    {"name": "FLUXLIT_APP", "value": "app:app"},
                    {"name": "TOKEN_URL", "value": "https://idp.example.com/token"},
                ]
            )
        ],
        [deployment(env=[{"name": "API_TOKEN", "value": "hunter2hunter2"}])],
    ),
    (
        "no-secret-literal-in-env",
        [deployment(env=[{"name": "REGION", "value": "us-east-1"}])],
        [deployment(env=[{"name": "AWS_ID", "value": "AKIAABCDEFGHIJKLMNOP"}])],
    ),
    (
        "no-secret-literal-in-env",
        [deployment(env=[{"name": "DB_HOST", "value": "db.internal:5432"}, {"name": "PASSES", "value": "3"}])],
        [deployment(env=[{"name": "DB_PASS", "value": "Summer2024!"}])],
    ),
    (
        "no-secret-literal-in-env",
        [deployment(env=[{"name": "SENTRY_ENV", "value": "production"}])],
        [deployment(env=[{"name": "STRIPE_KEY", "value": "rk_live_plainish"}])],
    ),
    (
        "no-secret-literal-in-env",
        [deployment(image="ghcr.io/acme/shop@sha256:" + "ab" * 32)],
        [deployment(image="ghcr.io/acme/shop:ghp_" + "A1b2C3d4" * 5)],
    ),
    (
        "no-secret-literal-in-env",
        [deployment(image="registry.example.com:5000/acme/shop:1.4.2")],
        [deployment(image="AKIAABCDEFGHIJKLMNOP.dkr.example.com/shop:1")],
    ),
    (
        "secret-grants-name-secrets",
        [
            (
                "aws:kms/grant:Grant",
                {
                    "operations": ["Decrypt"],
                    "granteePrincipal": "arn:aws:iam::1:role/r",
                    "constraints": [
                        {"encryptionContextEquals": {"SecretARN": "arn:aws:secretsmanager:us-east-1:1:secret:a-AbCdEf"}}
                    ],
                },
            )
        ],
        [("aws:kms/grant:Grant", {"operations": ["Decrypt"], "granteePrincipal": "arn:aws:iam::1:role/r"})],
    ),
    (
        "no-host-files",
        [deployment(volumes=[{"name": "scratch", "emptyDir": {}}])],
        [deployment(volumes=[{"name": "kubelet", "hostPath": {"path": "/var/lib/kubelet"}}])],
    ),
    (
        "no-host-files",
        [("kubernetes:core/v1:PersistentVolume", {"spec": {"nfs": {"server": "nfs", "path": "/x"}}})],
        [("kubernetes:core/v1:PersistentVolume", {"spec": {"local": {"path": "/"}}})],
    ),
    (
        "no-claim-shared-with-the-gateway",
        [
            deployment(workload="gateway", volumes=[claim("gateway-data")]),
            deployment(workload="streamlit", volumes=[claim("ui-data")]),
            *identity("gateway"),
            *identity("streamlit"),
        ],
        [
            deployment(workload="gateway", volumes=[claim("shared")]),
            deployment(workload="streamlit", volumes=[claim("shared")]),
            *identity("gateway"),
            *identity("streamlit"),
        ],
    ),
    (
        "no-copy-of-a-secret-value",
        [secret("mine", {"A": "a-long-secret-value"}), ("kubernetes:core/v1:ConfigMap", {"data": {"A": "other"}})],
        [
            secret("mine", {"A": "a-long-secret-value"}),
            ("kubernetes:core/v1:ConfigMap", {"data": {"A": "a-long-secret-value"}}),
        ],
    ),
    (
        "no-envfrom-undeclared-secret",
        [deployment(env_from=[{"secretRef": {"name": "mine"}}]), secret("mine", {"A": "x"}, workload="gateway")],
        [deployment(env_from=[{"secretRef": {"name": "shared"}}]), secret("shared", {"A": "x"})],
    ),
    (
        "secret-volumes-read-only",
        [deployment(volumes=[file_volume()], mounts=[{"name": "sv", "mountPath": "/s", "readOnly": True}])],
        [deployment(volumes=[file_volume(0o440)], mounts=[{"name": "sv", "mountPath": "/s", "readOnly": True}])],
    ),
    (
        "secret-volumes-read-only",
        [
            deployment(
                volumes=[file_volume(0o400, [{"key": "K", "path": "K", "mode": 0o400}])],
                mounts=[{"name": "sv", "mountPath": "/s", "readOnly": True}],
            )
        ],
        [
            deployment(
                volumes=[file_volume()], mounts=[{"name": "sv", "mountPath": "/s/K", "subPath": "K", "readOnly": True}]
            )
        ],
    ),
    (
        "secret-volumes-read-only",
        [deployment(volumes=[{"name": "tmp", "emptyDir": {}}], mounts=[{"name": "tmp", "mountPath": "/tmp"}])],
        [deployment(volumes=[file_volume(None)], mounts=[{"name": "sv", "mountPath": "/s"}])],
    ),
    (
        "streamlit-no-gateway-secrets",
        [
            deployment(
                workload="streamlit",
                env=[{"name": "REPORTS", "valueFrom": {"secretKeyRef": {"name": "s", "key": "REPORTS"}}}],
            )
        ],
        [
            deployment(
                workload="streamlit", volumes=[file_volume(0o400, [{"key": "FLUXLIT_OIDC_BFF_SECRET", "path": "x"}])]
            )
        ],
    ),
    (
        "streamlit-no-gateway-secrets",
        [
            deployment(workload="gateway", env_from=[{"secretRef": {"name": "g"}}]),
            secret("g", {"OIDC_CLIENT_SECRET": "x"}),
            *identity("gateway"),
        ],
        [
            deployment(workload="streamlit", env_from=[{"secretRef": {"name": "g"}}]),
            secret("g", {"OIDC_CLIENT_SECRET": "x"}),
        ],
    ),
    (
        # An app-made ServiceAccount labelled like ours is no identity: its pod is not the gateway.
        "streamlit-no-gateway-secrets",
        [deployment(workload="gateway", volumes=[fluxlit_files()]), *identity("gateway")],
        [deployment(workload="gateway", volumes=[fluxlit_files()]), identity("gateway")[1][:2]],
    ),
    (
        "identity-only-its-deployment",
        [deployment(workload="gateway"), *identity("gateway")],
        [deployment(workload="gateway"), *identity("gateway"), job_as("shop-gateway")],
    ),
    (
        "identity-only-its-deployment",
        [deployment(workload="streamlit"), *identity("streamlit"), job_as("shop-reports")],
        [deployment(workload="streamlit"), *identity("streamlit"), rollout_as("shop-streamlit")],
    ),
    (
        "admission-policy-present",
        [lifecycle({"enabled": True, "policy": "fluxlit-secrets.shop.shop"}), *admission_objects(["Deny"])],
        [lifecycle({"enabled": True, "policy": "fluxlit-secrets.shop.shop"}), *admission_objects(["Audit"])],
    ),
    (
        "admission-policy-on",
        [lifecycle({"enabled": True, "policy": "fluxlit-secrets.shop.shop"}), *admission_objects(["Deny"])],
        [lifecycle({"enabled": False, "reason": "the cluster runs Kubernetes 1.29"})],
    ),
    (
        "no-pod-reads-a-record",
        [deployment(volumes=[file_volume(0o400)]), secret("s", {"value": "x"})],
        [
            deployment(volumes=[file_volume(0o400)]),
            (SECRET, {"metadata": {"name": "s", "namespace": "shop", "labels": {"fluxlit-secrets/store-of": "jwt"}}}),
        ],
    ),
    (
        "unified-streamlit-sees-gateway-secrets",
        [
            deployment(
                workload="gateway", volumes=[file_volume(0o400, [{"key": "FLUXLIT_JWT_HS256_SECRET", "path": "f"}])]
            )
        ],
        [
            deployment(
                workload="app", volumes=[file_volume(0o400, [{"key": "FLUXLIT_JWT_HS256_SECRET", "path": "f"}])]
            ),
            *identity("app"),
        ],
    ),
    (
        "automount-token-off",
        [
            deployment(),
            (
                "kubernetes:core/v1:ServiceAccount",
                {"metadata": {"namespace": "shop"}, "automountServiceAccountToken": False},
            ),
        ],
        [("kubernetes:core/v1:ServiceAccount", {"metadata": {"namespace": "shop"}})],
    ),
    (
        "automount-token-off",
        [deployment(automount=None, annotations={"fluxlit-secrets/api-token": "required"})],
        [deployment(automount=None)],
    ),
    (
        "no-default-namespace",
        [deployment(), ("kubernetes:core/v1:Namespace", {"metadata": {"name": "shop"}})],
        [deployment(namespace="default")],
    ),
    ("no-default-namespace", [secret("s", {})], [deployment(namespace=None)]),
    (
        "identity-trust-one-subject",
        [role(web_trust(OK_SUB))],
        [role(web_trust({"StringLike": {f"{ISS}:sub": "system:serviceaccount:shop:*"}}))],
    ),
    (
        "identity-trust-one-subject",
        [
            (
                "azure-native:managedidentity:FederatedIdentityCredential",
                {"subject": "system:serviceaccount:shop:api", "audiences": ["api://AzureADTokenExchange"]},
            )
        ],
        [("azure-native:managedidentity:FederatedIdentityCredential", {"subject": "system:serviceaccount:shop:*"})],
    ),
    (
        "identity-trust-one-subject",
        [
            (
                "gcp:serviceaccount/iAMMember:IAMMember",
                {"role": "roles/iam.workloadIdentityUser", "member": "serviceAccount:p.svc.id.goog[shop/api]"},
            )
        ],
        [
            (
                "gcp:secretmanager/secretIamMember:SecretIamMember",
                {
                    "role": "roles/secretmanager.secretAccessor",
                    "member": "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p.svc.id.goog/namespace/shop",
                },
            )
        ],
    ),
    (
        "secret-grants-name-secrets",
        [
            (
                "aws:iam/rolePolicy:RolePolicy",
                {
                    "policy": json.dumps(
                        {
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": ["secretsmanager:GetSecretValue"],
                                    "Resource": ["arn:aws:secretsmanager:us-east-1:111122223333:secret:a-AbCdEf"],
                                }
                            ]
                        }
                    )
                },
            )
        ],
        [
            (
                "aws:iam/rolePolicy:RolePolicy",
                {
                    "policy": json.dumps(
                        {"Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}
                    )
                },
            )
        ],
    ),
    (
        "secret-grants-name-secrets",
        [("gcp:projects/iAMMember:IAMMember", {"role": "roles/viewer", "member": "user:a@b.c"})],
        [("gcp:projects/iAMMember:IAMMember", {"role": "roles/secretmanager.secretAccessor", "member": "user:a@b.c"})],
    ),
    (
        "secret-grants-name-secrets",
        [
            (
                "azure-native:authorization:RoleAssignment",
                {
                    "roleDefinitionId": SECRETS_USER,
                    "scope": "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/v/secrets/a",
                },
            )
        ],
        [
            (
                "azure-native:authorization:RoleAssignment",
                {
                    "roleDefinitionId": SECRETS_USER,
                    "scope": "/subscriptions/s/resourceGroups/g",
                },
            )
        ],
    ),
    (
        "pod-namespace-matches-its-secrets",
        [deployment(volumes=[file_volume(0o400)]), secret("s", {"K": "v"})],
        [deployment(volumes=[file_volume(0o400)], namespace="other"), secret("s", {"K": "v"})],
    ),
    (
        "secret-files-readable-by-the-pod-user",
        [fs_group(deployment(volumes=[file_volume(0o400)]), 10001)],
        [fs_group(deployment(volumes=[file_volume(0o400)]), None)],
    ),
    (
        "fluxlit-reads-its-secret-files",
        [reads_dir(deployment(volumes=[fluxlit_files()], mounts=[FLUXLIT_MOUNT]), True)],
        [reads_dir(deployment(volumes=[fluxlit_files()], mounts=[FLUXLIT_MOUNT]), False)],
    ),
    (
        "identity-one-federation",
        [federation("https://issuer/", "system:serviceaccount:shop:shop-gateway")],
        [
            federation("https://issuer/", "system:serviceaccount:shop:shop-gateway"),
            federation("https://attacker/", "system:serviceaccount:other:thief"),
        ],
    ),
    (
        "cloud-secrets-read-by-their-workloads",
        streamlit_reads("gateway-streamlit"),
        streamlit_reads("gateway"),
    ),
    (
        "secret-containers-protected",
        [("aws:secretsmanager/secret:Secret", {"name": "a", "tags": {"disposable": "true"}})],
        [("gcp:secretmanager/secret:Secret", {"secretId": "a", "labels": {}})],
    ),
    (
        "no-secret-build-args",
        [
            (
                "docker-build:index:Image",
                {"buildArgs": {"VERSION": "1.2.3"}, "dockerfile": {"inline": "FROM python\nENV PORT=8000"}},
            )
        ],
        [("docker-build:index:Image", {"buildArgs": {"OIDC_CLIENT_SECRET": "x"}})],
    ),
    (
        "no-secret-build-args",
        [("docker:index/image:Image", {"build": {"args": {"PYTHON": "3.11"}}})],
        [("docker-build:index:Image", {"dockerfile": {"inline": "FROM python\nENV FLUXLIT_JWT_HS256_SECRET=abc"}})],
    ),
    (
        "restart-annotation-not-a-hash",
        [deployment(annotations={"fluxlit-secrets/versions": "jwt=2"}), secret("s", {"K": KEY})],
        [
            deployment(annotations={"checksum/secret": hashlib.sha256(KEY.encode()).hexdigest()}),
            secret("s", {"K": KEY}),
        ],
    ),
    (
        "restart-annotation-not-a-hash",
        [
            deployment(annotations={"v": "1"}),
            (
                SECRET,
                {
                    "metadata": {"name": "s", "namespace": "shop"},
                    "data": {"K": base64.b64encode(KEY.encode()).decode()},
                },
            ),
        ],
        [
            deployment(annotations={"checksum": hashlib.md5(KEY.encode()).hexdigest()}),
            (
                SECRET,
                {
                    "metadata": {"name": "s", "namespace": "shop"},
                    "data": {"K": base64.b64encode(KEY.encode()).decode()},
                },
            ),
        ],
    ),
]


@pytest.mark.parametrize(("rule", "passing", "failing"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_passes_and_fails(rule: str, passing, failing) -> None:
    assert run(rule, *passing) == []
    violations = run(rule, *failing)
    assert violations, f"{rule} let a bad resource through"
    assert all(KEY not in v and "hunter2" not in v for v in violations)


def test_protection_satisfies_the_container_rule() -> None:
    assert run("secret-containers-protected", ("aws:secretsmanager/secret:Secret", {"name": "a"}), protect=True) == []


def test_every_rule_has_a_test_and_a_level() -> None:
    assert {c[0] for c in CASES} == {r.name for r in RULES}
    assert all(r.level in ("mandatory", "advisory") and r.description for r in RULES)
    assert {p.name for p in policies()} == {r.name for r in RULES}
