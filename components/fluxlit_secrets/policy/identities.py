"""Which workload a pod is, by the ServiceAccount a fluxlit-secrets component created for it (pure).

A WorkloadIdentity records {app, workload, namespace, serviceAccountName} as its `identity` output,
and creates that ServiceAccount as its child `<its name>-sa`. A ServiceAccount is a workload's
identity only when both hold: the record, and the object at the URN the component gives its child.
Labels, names a program chooses and commands play no part: an app-made ServiceAccount labelled like
ours, or a component's record naming a ServiceAccount it did not create, is no identity.
"""

from dataclasses import dataclass

from fluxlit_secrets.model.resources import IDENTITY_TYPE, Res, mapping
from fluxlit_secrets.policy.shared import per_stack

SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"


@dataclass(frozen=True, kw_only=True)
class Identity:
    """One workload's identity: its app, workload (gateway, streamlit, app) and ServiceAccount."""

    app: str
    workload: str
    namespace: str
    service_account: str
    cluster: str = ""


def _qualified_type(urn: str) -> str:
    """The `parent$child` type chain of a URN (`urn:pulumi:stack::project::<types>::<name>`)."""
    parts = urn.split("::")
    return parts[2] if len(parts) >= 4 else ""


def _logical_name(urn: str) -> str:
    return urn.split("::", 3)[3] if urn.count("::") >= 3 else ""


def _child_urn(component: Res) -> tuple[str, str]:
    """(type chain, logical name) of the ServiceAccount a WorkloadIdentity creates."""
    return f"{_qualified_type(component.urn)}${SERVICE_ACCOUNT}", f"{_logical_name(component.urn)}-sa"


@per_stack
def identities(resources: list[Res]) -> dict[tuple[str, str], list[Identity]]:
    """Every workload identity of the stack, by (namespace, ServiceAccount name) (once per stack)."""
    listed = list(resources)
    accounts = {
        (_qualified_type(r.urn), _logical_name(r.urn)): r for r in listed if r.type == SERVICE_ACCOUNT and r.urn
    }
    found: dict[tuple[str, str], list[Identity]] = {}
    for component in listed:
        if component.type != IDENTITY_TYPE:
            continue
        record = mapping(component.props.get("identity"))
        sa = accounts.get(_child_urn(component))
        if sa is None or not record:
            continue
        namespace, name = str(record.get("namespace") or ""), str(record.get("serviceAccountName") or "")
        if (str(sa.meta.get("namespace") or ""), str(sa.meta.get("name") or "")) != (namespace, name):
            continue  # the record names another ServiceAccount than the one the component made
        identity = Identity(
            app=str(record.get("app") or ""),
            workload=str(record.get("workload") or ""),
            namespace=namespace,
            service_account=name,
            cluster=sa.cluster,
        )
        found.setdefault((namespace, name), []).append(identity)
    return found


def identity_of(found: dict[tuple[str, str], list[Identity]], where: tuple[str, str], cluster: str) -> Identity | None:
    """The identity a pod in namespace `where[0]` running as `where[1]` has on `cluster` (any
    cluster when not known), or None."""
    candidates = found.get(where) or []
    for identity in candidates:
        if not cluster or not identity.cluster or identity.cluster == cluster:
            return identity
    return None
