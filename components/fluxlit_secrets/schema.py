"""The package schema other languages see: the one the SDK infers from the components' type
annotations, with every closed set of strings made an enum (TypeScript, Go and C# SDKs then type
them), each value described. The Python API keeps plain strings, which the model validates."""

import json
from typing import Any

from fluxlit_secrets.clouds.aws.settings import IDENTITIES as AWS_IDENTITIES
from fluxlit_secrets.clouds.catalog import CLOUDS
from fluxlit_secrets.clouds.gcp.settings import CSI_PROVIDERS
from fluxlit_secrets.clouds.gcp.settings import IDENTITIES as GCP_IDENTITIES
from fluxlit_secrets.components.base import token
from fluxlit_secrets.model.deployments import PULL_POLICIES
from fluxlit_secrets.model.kinds import DELIVERIES, DELIVERY_MODES, KINDS, PHYSICAL_WORKLOADS, SOURCES, TOPOLOGIES

#: Enum name -> (description, {value: description}).
ENUMS: dict[str, tuple[str, dict[str, str]]] = {
    "Topology": (
        "How FluxLit's two processes run.",
        dict(zip(TOPOLOGIES, ("gateway and Streamlit in separate pods", "one `fluxlit run` pod"), strict=True)),
    ),
    "Store": ("Where values of record live.", {s: f"the {s} store" for s in CLOUDS}),
    "Delivery": (
        "How values reach pods.",
        dict(
            zip(
                DELIVERIES,
                ("a Kubernetes Secret per workload", "the Secrets Store CSI driver, with the pod's own identity"),
                strict=True,
            )
        ),
    ),
    "Kind": ("What a secret is to FluxLit.", {k.name: k.description for k in KINDS.values()}),
    "Source": (
        "Where a secret's value comes from.",
        dict(zip(SOURCES, ("random, rotated by `generation`", "a secret value passed in"), strict=True)),
    ),
    "ConsumedAs": (
        "How a workload receives a secret.",
        dict(zip(DELIVERY_MODES, ("a file in /var/run/secrets/fluxlit", "an environment variable"), strict=True)),
    ),
    "Workload": ("A FluxLit workload.", {w: f"the {w} pods" for w in PHYSICAL_WORKLOADS}),
    "AwsIdentity": ("How pods assume their IAM role.", {i: i for i in AWS_IDENTITIES}),
    "GcpIdentity": ("How pods read Secret Manager.", {i: i for i in GCP_IDENTITIES}),
    "GcpCsiProvider": ("The Secrets Store CSI provider on GKE.", {p: p for p in CSI_PROVIDERS}),
    "ImagePullPolicy": ("The containers' image pull policy.", {p: p for p in PULL_POLICIES}),
}

#: (resource or type name, property) -> enum name.
PROPERTIES: dict[tuple[str, str], str] = {
    **{(c, "topology"): "Topology" for c in ("SecretLifecycle", "FluxLitWorkloads")},
    **{
        (c, "store"): "Store"
        for c in ("SecretLifecycle", "ManagedSecret", "RetiringVersion", "WorkloadIdentity", "WorkloadDelivery")
    },
    **{(c, "delivery"): "Delivery" for c in ("SecretLifecycle", "WorkloadDelivery")},
    ("SecretArgs", "kind"): "Kind",
    **{(c, "source"): "Source" for c in ("SecretArgs", "ManagedSecret", "RetiringVersion")},
    ("ConsumerArgs", "as"): "ConsumedAs",
    ("DeliveredSecretArgs", "as"): "ConsumedAs",
    **{(c, "workload"): "Workload" for c in ("WorkloadIdentity", "WorkloadDelivery")},
    ("AwsArgs", "identity"): "AwsIdentity",
    ("GcpArgs", "identity"): "GcpIdentity",
    ("GcpArgs", "csiProvider"): "GcpCsiProvider",
    **{(c, "imagePullPolicy"): "ImagePullPolicy" for c in ("DeploymentsArgs", "FluxLitWorkloads")},
}


def _member(value: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in value.replace("_", "-").split("-"))


def _enum_type(name: str) -> dict[str, Any]:
    description, values = ENUMS[name]
    return {
        "type": "string",
        "description": description,
        "enum": [{"name": _member(v), "value": v, "description": d} for v, d in values.items()],
    }


def _retype(owner: str, props: dict[str, Any]) -> None:
    for prop, spec in props.items():
        enum = PROPERTIES.get((owner, prop))
        if enum is None or spec.get("type") != "string":
            continue
        props[prop] = {k: v for k, v in spec.items() if k != "type"} | {"$ref": f"#/types/{token(enum)}"}


#: The Node.js SDK's runtime dependency: the oldest @pulumi/pulumi the components work with, as the
#: Python side's `pulumi>=3.237` (codegen would otherwise ask for ^3.269, which needs Node.js 22).
NODEJS_DEPENDENCIES = {"@pulumi/pulumi": "^3.237.0"}
#: Where the Go SDK's package lives: `pulumi package add` makes it a local module
#: (`example.com/fluxlit-secrets/sdk/go`, replaced by sdks/fluxlit-secrets in the program's go.mod).
GO_IMPORT_BASE_PATH = "example.com/fluxlit-secrets/sdk/go/fluxlitsecrets"


def enrich_schema(schema: str) -> str:
    """The SDK's inferred schema (JSON text) with the closed sets as enum types, the Node.js SDK's
    @pulumi/pulumi range and the Go SDK's import path."""
    doc: dict[str, Any] = json.loads(schema)
    nodejs = doc.setdefault("language", {}).setdefault("nodejs", {})
    nodejs["dependencies"] = {**NODEJS_DEPENDENCIES, **nodejs.get("dependencies", {})}
    go = doc["language"].setdefault("go", {})
    go.setdefault("importBasePath", GO_IMPORT_BASE_PATH)
    # Go's codegen (v3.276) writes input types only for objects reached through an input: an
    # object used only inside a plain map (FluxLitWorkloads.pods) would be named, never defined.
    go.setdefault("generateExtraInputTypes", True)
    for tok, resource in doc.get("resources", {}).items():
        _retype(tok.rsplit(":", 1)[-1], resource.get("inputProperties", {}))
    for tok, typ in doc.get("types", {}).items():
        _retype(tok.rsplit(":", 1)[-1], typ.get("properties", {}))
    types = doc.setdefault("types", {})
    for name in sorted(set(PROPERTIES.values())):
        types[token(name)] = _enum_type(name)
    return json.dumps(doc)
