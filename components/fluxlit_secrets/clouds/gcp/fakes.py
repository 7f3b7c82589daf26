"""What the mocks answer for GCP resources (names in GCP's format), and which inputs force a replacement."""

from collections.abc import Mapping
from typing import Any

from fluxlit_secrets.clouds.fakes import Context, Fake, chars, config_block


def context(values: Mapping[str, str]) -> dict[str, str]:
    """Project and project number from `fluxlit-secrets:gcp` (or `gcp:project`)."""
    gcp = config_block(values, "fluxlit-secrets:gcp")
    return {
        "gcp_project": str(gcp.get("project") or values.get("gcp:project") or "example-project"),
        "gcp_number": str(gcp.get("projectNumber") or "123456789012"),
    }


def secret(ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes) -> tuple[str, dict[str, Any]]:
    project = inputs.get("project") or ctx["gcp_project"]
    sid = inputs.get("secretId")
    return f"projects/{project}/secrets/{sid}", {
        "name": f"projects/{ctx['gcp_number']}/secrets/{sid}",
        "project": project,
    }


def secret_version(ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes) -> tuple[str, dict[str, Any]]:
    sid = str(inputs.get("secret", "")).rsplit("/", 1)[-1]
    number = str(1 + int.from_bytes(seed[:4], "big") % 9999)
    name = f"projects/{ctx['gcp_number']}/secrets/{sid}/versions/{number}"
    return name, {"name": name, "version": number}


def iam_member(ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes) -> tuple[str, dict[str, Any]]:
    target = inputs.get("secretId") or inputs.get("serviceAccountId")
    return f"{target}/{inputs.get('role')}/{inputs.get('member')}", {"etag": "BwY" + chars(seed, 9)}


def service_account(ctx: Context, logical: str, inputs: dict[str, Any], *, seed: bytes) -> tuple[str, dict[str, Any]]:
    project = inputs.get("project") or ctx["gcp_project"]
    email = f"{inputs.get('accountId')}@{project}.iam.gserviceaccount.com"
    name = f"projects/{project}/serviceAccounts/{email}"
    return name, {
        "email": email,
        "name": name,
        "member": f"serviceAccount:{email}",
        "uniqueId": "1" + chars(seed, 20, "0123456789"),
    }


FAKES: dict[str, Fake] = {
    "gcp:secretmanager/secret:Secret": secret,
    "gcp:secretmanager/secretVersion:SecretVersion": secret_version,
    "gcp:secretmanager/secretIamMember:SecretIamMember": iam_member,
    "gcp:serviceaccount/account:Account": service_account,
    "gcp:serviceaccount/iAMMember:IAMMember": iam_member,
}
#: Inputs whose change makes the provider replace the resource.
FORCE_NEW: dict[str, tuple[str, ...]] = {
    "gcp:secretmanager/secret:Secret": ("secretId", "project", "replication"),
    "gcp:secretmanager/secretVersion:SecretVersion": ("secret", "secretData"),
    "gcp:secretmanager/secretIamMember:SecretIamMember": ("*",),
    "gcp:serviceaccount/account:Account": ("accountId", "project"),
    "gcp:serviceaccount/iAMMember:IAMMember": ("*",),
}
