"""GCP: GKE Workload Identity, direct (federation principal) or through a Google service account."""

from typing import cast

import pulumi
import pulumi_gcp as gcp

from fluxlit_secrets.clouds.base import Binding, CloudIdentity, IdentityRequest
from fluxlit_secrets.clouds.gcp.names import service_account_id
from fluxlit_secrets.clouds.gcp.settings import GcpSettings

ACCESSOR = "roles/secretmanager.secretAccessor"


def direct_principal(settings: GcpSettings, namespace: str, service_account: str) -> str:
    """The federation principal of exactly one Kubernetes ServiceAccount."""
    return (
        f"principal://iam.googleapis.com/projects/{settings.project_number}/locations/global/"
        f"workloadIdentityPools/{settings.pool}/subject/ns/{namespace}/sa/{service_account}"
    )


def ksa_member(settings: GcpSettings, namespace: str, service_account: str) -> str:
    """The classic Workload Identity member of one Kubernetes ServiceAccount."""
    return f"serviceAccount:{settings.pool}[{namespace}/{service_account}]"


class GcpIdentity(CloudIdentity):
    """One accessor grant per consumed secret; nothing project-wide."""

    def bind(self, request: IdentityRequest, parent: pulumi.Resource) -> Binding:
        """Direct: grant the principal; service-account: a GSA the KSA may impersonate, granted instead."""
        s = cast(GcpSettings, request.settings)
        base = request.base
        annotations: dict[str, pulumi.Input[str]] = {}
        if s.identity == "direct":
            member: pulumi.Input[str] = direct_principal(s, request.namespace, request.service_account)
            identity = pulumi.Output.from_input(member)
        else:
            gsa = gcp.serviceaccount.Account(
                f"{base}-gsa",
                project=s.project,
                account_id=service_account_id(request.app, request.environment, request.workload),
                display_name=f"{request.app} {request.workload} ({request.environment})",
                opts=request.options(parent, f"{base}-gsa"),
            )
            gcp.serviceaccount.IAMMember(
                f"{base}-workload-identity-user",
                service_account_id=gsa.name,
                role="roles/iam.workloadIdentityUser",
                member=ksa_member(s, request.namespace, request.service_account),
                opts=request.options(parent, f"{base}-workload-identity-user"),
            )
            member = gsa.email.apply(lambda e: f"serviceAccount:{e}")
            identity = gsa.email
            annotations["iam.gke.io/gcp-service-account"] = gsa.email
        for secret, ref in sorted(request.secret_refs.items()):
            gcp.secretmanager.SecretIamMember(
                f"{base}-reads-{secret}",
                project=s.project,
                secret_id=ref,
                role=ACCESSOR,
                member=member,
                opts=request.options(parent, f"{base}-reads-{secret}"),
            )
        return Binding(identity=identity, annotations=annotations)
