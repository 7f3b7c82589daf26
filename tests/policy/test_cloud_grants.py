"""Cloud grants by permissions: for each attachment form and role kind, a grant that lets a
ServiceAccount read a secret (or gain the power to) and one that does not, as every cloud answers
it (`cloud_reads`, which the cloud-secrets-read-by-their-workloads rule follows)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fluxlit_secrets.model.resources import Res
from fluxlit_secrets.policy.cloud_reads import cloud_reads

SHOP = ("shop", "streamlit")


def res(type_: str, props: dict[str, Any], name: str = "") -> Res:
    name = name or type_.rsplit(":", 1)[-1].lower()
    return Res(type=type_, name=name, urn=f"urn:pulumi:s::p::{type_}::{name}", props=props)


def readers(*resources: Res) -> set[tuple[str, str]]:
    return {read.ksa for read in cloud_reads(list(resources))}


# ---------------------------------------------------------------- GCP
GCP_SECRET = res("gcp:secretmanager/secret:Secret", {"secretId": "shop-jwt", "project": "acme"})
PRINCIPAL = "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/acme.svc.id.goog/subject/ns/shop/sa/streamlit"
GSA = res(
    "gcp:serviceaccount/account:Account",
    {
        "name": "projects/acme/serviceAccounts/a@acme.iam.gserviceaccount.com",
        "email": "a@acme.iam.gserviceaccount.com",
        "accountId": "a",
    },
    "a",
)
GSA_MEMBER = "serviceAccount:a@acme.iam.gserviceaccount.com"


def gcp_grant(kind: str, role: str, member: str = PRINCIPAL, **extra: Any) -> Res:
    types = {
        "secret": "gcp:secretmanager/secretIamMember:SecretIamMember",
        "project": "gcp:projects/iAMMember:IAMMember",
        "organization": "gcp:organizations/iAMMember:IAMMember",
        "folder": "gcp:folder/iAMMember:IAMMember",
        "account": "gcp:serviceaccount/iAMMember:IAMMember",
    }
    props = {"role": role, "member": member, "secretId": "shop-jwt", "project": "acme", **extra}
    return res(types[kind], props, f"{kind}-{role.rsplit('/', 1)[-1]}-{abs(hash(member)) % 1000}")


def custom_role(permissions: list[str]) -> Res:
    return res(
        "gcp:projects/iAMCustomRole:IAMCustomRole", {"roleId": "reader", "project": "acme", "permissions": permissions}
    )


GCP_CASES = [
    ("accessor on the secret", [gcp_grant("secret", "roles/secretmanager.secretAccessor")], True),
    (
        "version manager on the secret (no payload)",
        [gcp_grant("secret", "roles/secretmanager.secretVersionManager")],
        False,
    ),
    ("viewer on the secret", [gcp_grant("secret", "roles/secretmanager.viewer")], False),
    ("admin on the secret", [gcp_grant("secret", "roles/secretmanager.admin")], True),
    ("editor on the project", [gcp_grant("project", "roles/editor")], True),
    ("viewer on the project", [gcp_grant("project", "roles/viewer")], False),
    (
        "projectIamAdmin on the project (can grant itself)",
        [gcp_grant("project", "roles/resourcemanager.projectIamAdmin")],
        True,
    ),
    (
        "accessor on another project",
        [gcp_grant("project", "roles/secretmanager.secretAccessor", project="other")],
        False,
    ),
    (
        "accessor on the organization",
        [gcp_grant("organization", "roles/secretmanager.secretAccessor", orgId="1")],
        True,
    ),
    ("accessor on a folder", [gcp_grant("folder", "roles/secretmanager.secretAccessor", folder="folders/1")], True),
    (
        "a custom role with versions.access on the project",
        [custom_role(["secretmanager.versions.access"]), gcp_grant("project", "projects/acme/roles/reader")],
        True,
    ),
    (
        "a custom role without it",
        [custom_role(["secretmanager.secrets.list"]), gcp_grant("project", "projects/acme/roles/reader")],
        False,
    ),
    (
        "token creator on an account that reads",
        [
            GSA,
            gcp_grant("account", "roles/iam.serviceAccountTokenCreator", serviceAccountId=GSA.props["name"]),
            gcp_grant("secret", "roles/secretmanager.secretAccessor", member=GSA_MEMBER),
        ],
        True,
    ),
    (
        "token creator on an account that reads nothing",
        [GSA, gcp_grant("account", "roles/iam.serviceAccountTokenCreator", serviceAccountId=GSA.props["name"])],
        False,
    ),
    (
        "serviceAccountUser alone does not mint tokens",
        [
            GSA,
            gcp_grant("account", "roles/iam.serviceAccountUser", serviceAccountId=GSA.props["name"]),
            gcp_grant("secret", "roles/secretmanager.secretAccessor", member=GSA_MEMBER),
        ],
        False,
    ),
    (
        "a policy document on the secret",
        [
            res(
                "gcp:secretmanager/secretIamPolicy:SecretIamPolicy",
                {
                    "secretId": "shop-jwt",
                    "policyData": json.dumps(
                        {"bindings": [{"role": "roles/secretmanager.secretAccessor", "members": [PRINCIPAL]}]}
                    ),
                },
            )
        ],
        True,
    ),
]


@pytest.mark.parametrize(("grants", "reads"), [c[1:] for c in GCP_CASES], ids=[c[0] for c in GCP_CASES])
def test_gcp_grants_by_permissions(grants: list[Res], reads: bool) -> None:
    assert (SHOP in readers(GCP_SECRET, *grants)) is reads


def test_gcp_a_principal_set_of_a_namespace_reads_as_every_account_of_it() -> None:
    member = "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/namespace/shop"
    assert readers(GCP_SECRET, gcp_grant("secret", "roles/secretmanager.secretAccessor", member=member)) == {
        ("shop", "*")
    }


# ---------------------------------------------------------------- Azure
KV_SECRET = res("azure-native:keyvault:Secret", {"vaultName": "shopkv", "secretName": "jwt", "resourceGroupName": "rg"})
IDENTITY = res(
    "azure-native:managedidentity:UserAssignedIdentity", {"resourceName": "shop-streamlit", "principalId": "p-1"}
)
CREDENTIAL = res(
    "azure-native:managedidentity:FederatedIdentityCredential",
    {"resourceName": "shop-streamlit", "subject": "system:serviceaccount:shop:streamlit"},
)
VAULT_SCOPE = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/shopkv"


def vault(rbac: bool, policies: list | None = None) -> Res:
    return res(
        "azure-native:keyvault:Vault",
        {"vaultName": "shopkv", "properties": {"enableRbacAuthorization": rbac, "accessPolicies": policies or []}},
    )


def assignment(role: str, scope: str = VAULT_SCOPE) -> Res:
    return res(
        "azure-native:authorization:RoleAssignment",
        {
            "roleDefinitionId": f"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/{role}",
            "scope": scope,
            "principalId": "p-1",
        },
        f"ra-{role[:8]}",
    )


def role_definition(data_actions: list[str], not_data: list[str] = ()) -> Res:
    return res(
        "azure-native:authorization:RoleDefinition",
        {
            "roleDefinitionId": "11111111-2222-3333-4444-555555555555",
            "permissions": [{"dataActions": data_actions, "notDataActions": list(not_data)}],
        },
    )


CUSTOM = "11111111-2222-3333-4444-555555555555"
AZURE_CASES = [
    ("Secrets User on the vault", [vault(True), assignment("4633458b-17de-408a-b874-0445c86b69e6")], True),
    ("Key Vault Reader (metadata only)", [vault(True), assignment("21090545-7ca7-4776-b22c-e363652d74d2")], False),
    ("Key Vault Administrator", [vault(True), assignment("00482a5a-887f-4fb3-b363-3b7fe8e74483")], True),
    (
        "Data Access Administrator (assigns itself)",
        [vault(True), assignment("8b54135c-b56d-4d72-a534-26097126aa65")],
        True,
    ),
    (
        "Owner on the resource group",
        [vault(True), assignment("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "/subscriptions/s/resourceGroups/rg")],
        True,
    ),
    ("Contributor on an RBAC vault", [vault(True), assignment("b24988ac-6180-42a0-ab88-20f7382dd24c")], False),
    ("Contributor on an access-policy vault", [vault(False), assignment("b24988ac-6180-42a0-ab88-20f7382dd24c")], True),
    (
        "Reader on the subscription",
        [vault(True), assignment("acdd72a7-3385-48ef-bd42-f606fba81ae7", "/subscriptions/s")],
        False,
    ),
    (
        "a custom role with getSecret",
        [vault(True), role_definition(["Microsoft.KeyVault/vaults/secrets/*"]), assignment(CUSTOM)],
        True,
    ),
    (
        "a custom role that subtracts getSecret",
        [
            vault(True),
            role_definition(
                ["Microsoft.KeyVault/vaults/secrets/*"], ["Microsoft.KeyVault/vaults/secrets/getSecret/action"]
            ),
            assignment(CUSTOM),
        ],
        False,
    ),
    ("an access policy with get", [vault(False, [{"objectId": "p-1", "permissions": {"secrets": ["Get"]}}])], True),
    (
        "an access policy with list only",
        [vault(False, [{"objectId": "p-1", "permissions": {"secrets": ["list"]}}])],
        False,
    ),
    (
        "an access policy on an RBAC vault is ignored",
        [vault(True, [{"objectId": "p-1", "permissions": {"secrets": ["all"]}}])],
        False,
    ),
    (
        "an AccessPolicy resource",
        [
            vault(False),
            res(
                "azure-native:keyvault:AccessPolicy",
                {"vaultName": "shopkv", "policy": {"objectId": "p-1", "permissions": {"secrets": ["get"]}}},
            ),
        ],
        True,
    ),
]


@pytest.mark.parametrize(("grants", "reads"), [c[1:] for c in AZURE_CASES], ids=[c[0] for c in AZURE_CASES])
def test_azure_grants_by_permissions(grants: list[Res], reads: bool) -> None:
    assert (SHOP in readers(KV_SECRET, IDENTITY, CREDENTIAL, *grants)) is reads


# ---------------------------------------------------------------- AWS
AWS_SECRET = res(
    "aws:secretsmanager/secret:Secret",
    {"name": "shop-jwt", "arn": "arn:aws:secretsmanager:us-east-1:1:secret:shop-jwt-AbCdEf"},
)
TRUST = json.dumps(
    {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        "oidc:sub": "system:serviceaccount:shop:streamlit",
                        "oidc:aud": "sts.amazonaws.com",
                    }
                },
            }
        ]
    }
)


def role(**extra: Any) -> Res:
    return res("aws:iam/role:Role", {"name": "shop-streamlit", "assumeRolePolicy": TRUST, **extra}, "shop-streamlit")


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


READ_ALL = {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
CUSTOMER = res(
    "aws:iam/policy:Policy",
    {"name": "reads", "arn": "arn:aws:iam::1:policy/reads", "policy": document(READ_ALL)},
    "reads",
)
AWS_CASES = [
    ("an inline policy", [role(inlinePolicies=[{"name": "x", "policy": document(READ_ALL)}])], True),
    (
        "SecretsManagerReadWrite by managedPolicyArns",
        [role(managedPolicyArns=["arn:aws:iam::aws:policy/SecretsManagerReadWrite"])],
        True,
    ),
    ("ReadOnlyAccess (metadata only)", [role(managedPolicyArns=["arn:aws:iam::aws:policy/ReadOnlyAccess"])], False),
    (
        "PowerUserAccess by RolePolicyAttachment",
        [
            role(),
            res(
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                {"role": "shop-streamlit", "policyArn": "arn:aws:iam::aws:policy/PowerUserAccess"},
            ),
        ],
        True,
    ),
    (
        "a customer policy by PolicyAttachment(roles=[...])",
        [
            role(),
            CUSTOMER,
            res(
                "aws:iam/policyAttachment:PolicyAttachment",
                {"roles": ["shop-streamlit"], "policyArn": CUSTOMER.props["arn"]},
            ),
        ],
        True,
    ),
    (
        "PolicyAttachment to another role",
        [
            role(),
            CUSTOMER,
            res("aws:iam/policyAttachment:PolicyAttachment", {"roles": ["other"], "policyArn": CUSTOMER.props["arn"]}),
        ],
        False,
    ),
    (
        "iam:PutRolePolicy (can write itself a grant)",
        [
            role(
                inlinePolicies=[
                    {
                        "name": "x",
                        "policy": document({"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": "*"}),
                    }
                ]
            )
        ],
        True,
    ),
    (
        "a deny-only policy",
        [
            role(
                inlinePolicies=[
                    {"name": "x", "policy": document({"Effect": "Deny", "Action": "secretsmanager:*", "Resource": "*"})}
                ]
            )
        ],
        False,
    ),
    (
        "the secret's resource policy naming the role",
        [
            role(),
            res(
                "aws:secretsmanager/secretPolicy:SecretPolicy",
                {
                    "secretArn": AWS_SECRET.props["arn"],
                    "policy": document(
                        {
                            "Effect": "Allow",
                            "Action": "secretsmanager:GetSecretValue",
                            "Principal": {"AWS": "arn:aws:iam::1:role/shop-streamlit"},
                            "Resource": "*",
                        }
                    ),
                },
            ),
        ],
        True,
    ),
    (
        "a resource policy naming another role",
        [
            role(),
            res(
                "aws:secretsmanager/secretPolicy:SecretPolicy",
                {
                    "secretArn": AWS_SECRET.props["arn"],
                    "policy": document(
                        {
                            "Effect": "Allow",
                            "Action": "secretsmanager:GetSecretValue",
                            "Principal": {"AWS": "arn:aws:iam::1:role/other"},
                            "Resource": "*",
                        }
                    ),
                },
            ),
        ],
        False,
    ),
]


@pytest.mark.parametrize(("grants", "reads"), [c[1:] for c in AWS_CASES], ids=[c[0] for c in AWS_CASES])
def test_aws_grants_by_permissions(grants: list[Res], reads: bool) -> None:
    assert (SHOP in readers(AWS_SECRET, *grants)) is reads


def test_aws_a_node_groups_role_reads_as_every_pod_of_the_cluster() -> None:
    node_role = res(
        "aws:iam/role:Role",
        {"name": "nodes", "managedPolicyArns": ["arn:aws:iam::aws:policy/SecretsManagerReadWrite"]},
        "nodes",
    )
    group = res("aws:eks/nodeGroup:NodeGroup", {"nodeRoleArn": "arn:aws:iam::1:role/nodes"})
    assert readers(AWS_SECRET, node_role, group) == {("*", "*")}
    assert readers(AWS_SECRET, node_role) == set()
