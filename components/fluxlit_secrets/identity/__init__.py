"""Identity layer: one Kubernetes ServiceAccount per workload, bound to a cloud identity later."""

from fluxlit_secrets.identity.service_account import WorkloadIdentity, WorkloadIdentityArgs

__all__ = ["WorkloadIdentity", "WorkloadIdentityArgs"]
