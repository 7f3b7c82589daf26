"""NetworkPolicies (pure). Always: each pod accepts traffic only on its own port, and Streamlit only
from the gateway. With `networkPolicy` settings, egress too: the gateway reaches only the IdP on
443, DNS and Streamlit; Streamlit reaches only the gateway and DNS."""

from typing import Any

from fluxlit_secrets.model.auth import NetworkPolicySettings
from fluxlit_secrets.model.labels import MANAGED_BY, workload_labels, workload_name
from fluxlit_secrets.workloads.podspec import GATEWAY_PORT, STREAMLIT_PORT

DNS = {
    "to": [
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
        }
    ],
    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
}


def _port(port: int) -> list[dict[str, Any]]:
    return [{"protocol": "TCP", "port": port}]


def _idp(cidrs: tuple[str, ...]) -> dict[str, Any]:
    rule: dict[str, Any] = {"ports": _port(443)}
    if cidrs:
        rule["to"] = [{"ipBlock": {"cidr": c}} for c in cidrs]
    return rule  # without `to`: any address, on 443 only


def _pods(app: str, workload: str) -> dict[str, Any]:
    return {"podSelector": {"matchLabels": workload_labels(app, workload)}}


def network_policies(
    app: str, namespace: str, topology: str, *, egress: NetworkPolicySettings | None
) -> list[dict[str, Any]]:
    """One NetworkPolicy object (metadata and spec) per workload."""

    def policy(workload: str, ingress: list[dict[str, Any]], outbound: list[dict[str, Any]]) -> dict[str, Any]:
        spec: dict[str, Any] = {**_pods(app, workload), "policyTypes": ["Ingress"], "ingress": ingress}
        if egress is not None:
            spec["policyTypes"] = ["Ingress", "Egress"]
            spec["egress"] = outbound
        return {
            "metadata": {
                "name": f"{workload_name(app, workload)}-network",
                "namespace": namespace,
                "labels": {**workload_labels(app, workload), **MANAGED_BY},
            },
            "spec": spec,
        }

    cidrs = egress.idp_cidrs if egress is not None else ()
    if topology == "unified":
        return [policy("app", [{"ports": _port(GATEWAY_PORT)}], [_idp(cidrs), DNS])]
    return [
        policy(
            "gateway",
            [{"ports": _port(GATEWAY_PORT)}],
            [_idp(cidrs), DNS, {"to": [_pods(app, "streamlit")], "ports": _port(STREAMLIT_PORT)}],
        ),
        policy(
            "streamlit",
            [{"from": [_pods(app, "gateway")], "ports": _port(STREAMLIT_PORT)}],
            [{"to": [_pods(app, "gateway")], "ports": _port(GATEWAY_PORT)}, DNS],
        ),
    ]
