"""RBAC by its semantics (policy/rbac.py): each path to a Secret's value, each subject form, the
bootstrap roles and aggregation; a passing and a failing case for each."""

from typing import Any

import pytest

from fluxlit_secrets.model.resources import Res
from fluxlit_secrets.policy.rbac import grants, secret_paths

NS, SA, SECRET = "shop", "shop-streamlit", "shop-gateway-0123456789"
VIEW = "rbac.authorization.k8s.io/aggregate-to-view"


def res(kind: str, name: str, namespace: str | None = None, **props: Any) -> Res:
    meta = {"name": name, **({"namespace": namespace} if namespace else {}), **props.pop("meta", {})}
    group = "rbac.authorization.k8s.io/v1"
    return Res(
        type=f"kubernetes:{group}:{kind}",
        name=name,
        urn=f"urn:pulumi:s::p::{kind}::{name}",
        props={"metadata": meta, **props},
    )


def role(verbs: list[str], resources: list[str], group: str = "", names: list[str] | None = None) -> Res:
    rule = {"apiGroups": [group], "resources": resources, "verbs": verbs, **({"resourceNames": names} if names else {})}
    return res("Role", "r", NS, rules=[rule])


def binding(subject: dict[str, Any], ref: tuple[str, str] = ("Role", "r"), *, cluster: bool = False) -> Res:
    kind = "ClusterRoleBinding" if cluster else "RoleBinding"
    return res(kind, "b", None if cluster else NS, subjects=[subject], roleRef={"kind": ref[0], "name": ref[1]})


SA_SUBJECT = {"kind": "ServiceAccount", "name": SA, "namespace": NS}


def granted(verbs: list[str], resources: list[str], group: str = "", names: list[str] | None = None) -> list[Res]:
    """A Role with one rule, bound to the ServiceAccount."""
    return [role(verbs, resources, group, names), binding(SA_SUBJECT)]


def cluster_role(name: str, labels: dict[str, str], verbs: list[str], group: str = "") -> Res:
    """A ClusterRole with these labels and one rule over every resource of `group` ('*' too)."""
    resources = ["secrets"] if group == "" else ["*"]
    return res(
        "ClusterRole",
        name,
        meta={"labels": labels},
        rules=[{"apiGroups": [group], "resources": resources, "verbs": verbs}],
    )


def aggregating(select: str) -> Res:
    """A ClusterRole aggregating the ClusterRoles labelled x=<select>."""
    return res("ClusterRole", "agg", aggregationRule={"clusterRoleSelectors": [{"matchLabels": {"x": select}}]})


def cluster_rule(verbs: list[str], resources: list[str]) -> Res:
    """A ClusterRole `node-proxy` with one rule of the core group."""
    return res(
        "ClusterRole", "node-proxy", meta={}, rules=[{"apiGroups": [""], "resources": resources, "verbs": verbs}]
    )


def paths(*resources: Res) -> set[str]:
    return set(secret_paths(grants(list(resources), NS, SA), NS, SECRET))


# (case, resources that give a path, resources that do not, the path)
CASES = [
    (
        "get",
        granted(["get"], ["secrets"]),
        granted(["create"], ["secrets"]),
        "rbac",
    ),
    (
        "patch",
        granted(["patch"], ["secrets"]),
        granted(["update"], ["configmaps"]),
        "rbac",
    ),
    (
        "delete",
        granted(["delete"], ["secrets"]),
        granted(["delete"], ["pods"]),
        "rbac",
    ),
    (
        "resource-names",
        granted(["get"], ["secrets"], names=[SECRET]),
        granted(["get"], ["secrets"], names=["other"]),
        "rbac",
    ),
    (
        "user-subject-naming-the-service-account",
        [role(["get"], ["secrets"]), binding({"kind": "User", "name": f"system:serviceaccount:{NS}:{SA}"})],
        [role(["get"], ["secrets"]), binding({"kind": "User", "name": f"system:serviceaccount:{NS}:other"})],
        "rbac",
    ),
    (
        "group-of-every-service-account",
        [role(["get"], ["secrets"]), binding({"kind": "Group", "name": "system:serviceaccounts"})],
        [role(["get"], ["secrets"]), binding({"kind": "Group", "name": "system:serviceaccounts:other"})],
        "rbac",
    ),
    (
        "group-of-the-namespace",
        [role(["get"], ["secrets"]), binding({"kind": "Group", "name": f"system:serviceaccounts:{NS}"})],
        [role(["get"], ["secrets"]), binding({"kind": "Group", "name": "system:unauthenticated"})],
        "rbac",
    ),
    (
        "group-authenticated",
        [role(["list"], ["secrets"]), binding({"kind": "Group", "name": "system:authenticated"})],
        [role(["list"], ["secrets"]), binding({"kind": "Group", "name": "system:masters"})],
        "rbac",
    ),
    (
        "bootstrap-edit",
        [binding(SA_SUBJECT, ("ClusterRole", "edit"))],
        [binding(SA_SUBJECT, ("ClusterRole", "view"))],
        "rbac",
    ),
    (
        "bootstrap-admin-cluster-wide",
        [binding(SA_SUBJECT, ("ClusterRole", "admin"), cluster=True)],
        [binding({**SA_SUBJECT, "name": "x"}, ("ClusterRole", "admin"), cluster=True)],
        "rbac",
    ),
    (
        "aggregated-into-view",
        [cluster_role("extra", {VIEW: "true"}, ["get"]), binding(SA_SUBJECT, ("ClusterRole", "view"))],
        [cluster_role("extra", {"team": "view"}, ["get"]), binding(SA_SUBJECT, ("ClusterRole", "view"))],
        "rbac",
    ),
    (
        "aggregated-cluster-role",
        [
            aggregating("y"),
            cluster_role("part", {"x": "y"}, ["watch"], "*"),
            binding(SA_SUBJECT, ("ClusterRole", "agg")),
        ],
        [
            aggregating("z"),
            cluster_role("part", {"x": "y"}, ["watch"], "*"),
            binding(SA_SUBJECT, ("ClusterRole", "agg")),
        ],
        "rbac",
    ),
    (
        "impersonate",
        granted(["impersonate"], ["serviceaccounts"]),
        granted(["get"], ["serviceaccounts"]),
        "rbac:impersonate",
    ),
    (
        "bind",
        granted(["bind"], ["clusterroles"], "rbac.authorization.k8s.io"),
        granted(["get"], ["clusterroles"], "rbac.authorization.k8s.io"),
        "rbac:escalate",
    ),
    (
        "escalate",
        granted(["escalate"], ["roles"], "rbac.authorization.k8s.io"),
        granted(["list"], ["roles"], "rbac.authorization.k8s.io"),
        "rbac:escalate",
    ),
    (
        "token",
        granted(["create"], ["serviceaccounts/token"]),
        granted(["create"], ["serviceaccounts"]),
        "rbac:token",
    ),
    (
        "exec",
        granted(["create"], ["pods/exec"]),
        granted(["create"], ["pods/log"]),
        "rbac:exec",
    ),
    (
        "subresource-wildcard",
        granted(["create"], ["*/exec"]),
        granted(["create"], ["*/log"]),
        "rbac:exec",
    ),
    (
        "ephemeral-debug-container",
        granted(["patch"], ["pods/ephemeralcontainers"]),
        granted(["get"], ["pods/ephemeralcontainers"]),
        "rbac:exec",
    ),
    (
        "workload-template-patch",
        granted(["patch"], ["deployments"], "apps"),
        granted(["get"], ["deployments"], "apps"),
        "rbac:workload",
    ),
    (
        "kubelet-proxy-cluster-wide",
        [cluster_rule(["create"], ["nodes/proxy"]), binding(SA_SUBJECT, ("ClusterRole", "node-proxy"), cluster=True)],
        [cluster_rule(["create"], ["nodes/proxy"]), binding(SA_SUBJECT, ("ClusterRole", "node-proxy"))],
        "rbac:node",
    ),
    (
        "workload-creation",
        granted(["create"], ["jobs"], "batch"),
        granted(["create"], ["jobs"], "apps"),
        "rbac:workload",
    ),
]


@pytest.mark.parametrize(("case", "reaching", "not_reaching", "how"), CASES, ids=[c[0] for c in CASES])
def test_each_path_and_subject_form(case: str, reaching: list[Res], not_reaching: list[Res], how: str) -> None:
    assert how in paths(*reaching)
    assert how not in paths(*not_reaching)


def test_a_role_binding_reaches_only_its_namespace() -> None:
    other = Res(
        type="kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
        name="b",
        urn="urn:b",
        props={
            "metadata": {"name": "b", "namespace": "elsewhere"},
            "subjects": [SA_SUBJECT],
            "roleRef": {"kind": "ClusterRole", "name": "edit"},
        },
    )
    assert paths(other) == set()
