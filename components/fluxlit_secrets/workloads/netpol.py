"""Egress NetworkPolicies (pure): the gateway reaches the IdP on 443 and DNS; Streamlit only the gateway."""

from __future__ import annotations

from typing import Any

from fluxlit_secrets.tokens import MANAGED_BY, workload_labels, workload_name
from fluxlit_secrets.workloads.podspec import GATEWAY_PORT, STREAMLIT_PORT

DNS = {
    "to": [{
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
    }],
    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
}


def _idp(cidrs: tuple[str, ...]) -> dict[str, Any]:
    rule: dict[str, Any] = {"ports": [{"protocol": "TCP", "port": 443}]}
    if cidrs:
        rule["to"] = [{"ipBlock": {"cidr": c}} for c in cidrs]
    return rule  # without `to`: any address, on 443 only


def _pods(app: str, workload: str) -> dict[str, Any]:
    return {"podSelector": {"matchLabels": workload_labels(app, workload)}}


def network_policies(app: str, namespace: str, topology: str, idp_cidrs: tuple[str, ...]) -> list[dict[str, Any]]:
    """(name, spec) pairs as NetworkPolicy objects' metadata and spec."""
    meta = lambda w, suffix: {  # noqa: E731
        "name": f"{workload_name(app, w)}-{suffix}", "namespace": namespace,
        "labels": {**workload_labels(app, w), **MANAGED_BY},
    }
    if topology == "unified":
        return [{"metadata": meta("app", "egress"), "spec": {
            **_pods(app, "app"), "policyTypes": ["Egress"], "egress": [_idp(idp_cidrs), DNS]}}]
    return [
        {"metadata": meta("gateway", "egress"), "spec": {
            **_pods(app, "gateway"), "policyTypes": ["Egress"],
            "egress": [
                _idp(idp_cidrs), DNS,
                {"to": [_pods(app, "streamlit")], "ports": [{"protocol": "TCP", "port": STREAMLIT_PORT}]},
            ],
        }},
        {"metadata": meta("streamlit", "isolation"), "spec": {
            **_pods(app, "streamlit"), "policyTypes": ["Ingress", "Egress"],
            "ingress": [{"from": [_pods(app, "gateway")], "ports": [{"protocol": "TCP", "port": STREAMLIT_PORT}]}],
            "egress": [{"to": [_pods(app, "gateway")], "ports": [{"protocol": "TCP", "port": GATEWAY_PORT}]}, DNS],
        }},
    ]
