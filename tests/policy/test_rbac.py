"""RBAC by its semantics (policy/rbac.py): each path to a Secret's value, each subject form, the
bootstrap roles and aggregation; a passing and a failing case for each."""

from typing import Any

import pytest

from fluxlit_secrets.model.resources import Res
from fluxlit_secrets.policy.rbac import grants, secret_paths

NS, SA, SECRET = "shop", "shop-streamlit", "shop-gateway-0123456789"


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


def paths(*resources: Res) -> set[str]:
    return set(secret_paths(grants(list(resources), NS, SA), NS, SECRET))


# (case, resources that give a path, resources that do not, the path)
CASES = [
    (
        "get",
        [role(["get"], ["secrets"]), binding(SA_SUBJECT)],
        [role(["create"], ["secrets"]), binding(SA_SUBJECT)],
        "rbac",
    ),
    (
        "patch",
        [role(["patch"], ["secrets"]), binding(SA_SUBJECT)],
        [role(["update"], ["configmaps"]), binding(SA_SUBJECT)],
        "rbac",
    ),
    (
        "delete",
        [role(["delete"], ["secrets"]), binding(SA_SUBJECT)],
        [role(["delete"], ["pods"]), binding(SA_SUBJECT)],
        "rbac",
    ),
    (
        "resource-names",
        [role(["get"], ["secrets"], names=[SECRET]), binding(SA_SUBJECT)],
        [role(["get"], ["secrets"], names=["other"]), binding(SA_SUBJECT)],
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
        [
            res(
                "ClusterRole",
                "extra",
                meta={"labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
                rules=[{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}],
            ),
            binding(SA_SUBJECT, ("ClusterRole", "view")),
        ],
        [
            res(
                "ClusterRole",
                "extra",
                meta={"labels": {"team": "view"}},
                rules=[{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}],
            ),
            binding(SA_SUBJECT, ("ClusterRole", "view")),
        ],
        "rbac",
    ),
    (
        "aggregated-cluster-role",
        [
            res("ClusterRole", "agg", aggregationRule={"clusterRoleSelectors": [{"matchLabels": {"x": "y"}}]}),
            res(
                "ClusterRole",
                "part",
                meta={"labels": {"x": "y"}},
                rules=[{"apiGroups": ["*"], "resources": ["*"], "verbs": ["watch"]}],
            ),
            binding(SA_SUBJECT, ("ClusterRole", "agg")),
        ],
        [
            res("ClusterRole", "agg", aggregationRule={"clusterRoleSelectors": [{"matchLabels": {"x": "z"}}]}),
            res(
                "ClusterRole",
                "part",
                meta={"labels": {"x": "y"}},
                rules=[{"apiGroups": ["*"], "resources": ["*"], "verbs": ["watch"]}],
            ),
            binding(SA_SUBJECT, ("ClusterRole", "agg")),
        ],
        "rbac",
    ),
    (
        "impersonate",
        [role(["impersonate"], ["serviceaccounts"]), binding(SA_SUBJECT)],
        [role(["get"], ["serviceaccounts"]), binding(SA_SUBJECT)],
        "rbac:impersonate",
    ),
    (
        "bind",
        [role(["bind"], ["clusterroles"], "rbac.authorization.k8s.io"), binding(SA_SUBJECT)],
        [role(["get"], ["clusterroles"], "rbac.authorization.k8s.io"), binding(SA_SUBJECT)],
        "rbac:escalate",
    ),
    (
        "escalate",
        [role(["escalate"], ["roles"], "rbac.authorization.k8s.io"), binding(SA_SUBJECT)],
        [role(["list"], ["roles"], "rbac.authorization.k8s.io"), binding(SA_SUBJECT)],
        "rbac:escalate",
    ),
    (
        "token",
        [role(["create"], ["serviceaccounts/token"]), binding(SA_SUBJECT)],
        [role(["create"], ["serviceaccounts"]), binding(SA_SUBJECT)],
        "rbac:token",
    ),
    (
        "exec",
        [role(["create"], ["pods/exec"]), binding(SA_SUBJECT)],
        [role(["create"], ["pods/log"]), binding(SA_SUBJECT)],
        "rbac:exec",
    ),
    (
        "subresource-wildcard",
        [role(["create"], ["*/exec"]), binding(SA_SUBJECT)],
        [role(["create"], ["*/log"]), binding(SA_SUBJECT)],
        "rbac:exec",
    ),
    (
        "workload-creation",
        [role(["create"], ["jobs"], "batch"), binding(SA_SUBJECT)],
        [role(["create"], ["jobs"], "apps"), binding(SA_SUBJECT)],
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
