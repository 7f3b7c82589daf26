"""The API server's bootstrap ClusterRoles, as data (Kubernetes 1.36's bootstrappolicy), kept to
the rules that touch a Secret's value or the power to get one: `cluster-admin`, the aggregated
`admin`, `edit` and `view` and the roles aggregated into them. tests/e2e/test_authorizer.py
compares this table with what a real API server holds."""

from typing import Any

READ = ["get", "list", "watch"]
WRITE = ["create", "update", "patch", "delete", "deletecollection"]
AGGREGATE = "rbac.authorization.k8s.io/aggregate-to-"


def _rule(groups: list[str], resources: list[str], verbs: list[str]) -> dict[str, Any]:
    return {"apiGroups": groups, "resources": resources, "verbs": verbs}


def _aggregated(to: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "metadata": {"name": to, "labels": labels or {}},
        "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {AGGREGATE + to: "true"}}]},
        "rules": [],
    }


#: The secret-relevant resources the table keeps (and the e2e test compares).
RELEVANT = {
    "secrets",
    "pods",
    "pods/exec",
    "pods/attach",
    "serviceaccounts",
    "serviceaccounts/token",
    "deployments",
    "statefulsets",
    "daemonsets",
    "replicasets",
    "replicationcontrollers",
    "jobs",
    "cronjobs",
    "roles",
    "rolebindings",
    "clusterroles",
    "clusterrolebindings",
    "users",
    "groups",
    "*",
}

BOOTSTRAP_CLUSTER_ROLES: list[dict[str, Any]] = [
    {"metadata": {"name": "cluster-admin", "labels": {}}, "rules": [_rule(["*"], ["*"], ["*"])]},
    _aggregated("admin"),
    _aggregated("edit", {AGGREGATE + "admin": "true"}),
    _aggregated("view", {AGGREGATE + "edit": "true"}),
    {
        "metadata": {"name": "system:aggregate-to-admin", "labels": {AGGREGATE + "admin": "true"}},
        "rules": [_rule(["rbac.authorization.k8s.io"], ["roles", "rolebindings"], READ + WRITE)],
    },
    {
        "metadata": {"name": "system:aggregate-to-edit", "labels": {AGGREGATE + "edit": "true"}},
        "rules": [
            _rule([""], ["pods/attach", "pods/exec", "secrets"], READ),
            _rule([""], ["serviceaccounts"], ["impersonate"]),
            _rule([""], ["pods", "pods/attach", "pods/exec"], WRITE),
            _rule([""], ["replicationcontrollers", "secrets", "serviceaccounts"], WRITE),
            _rule([""], ["serviceaccounts/token"], ["create"]),
            _rule(["apps"], ["daemonsets", "deployments", "replicasets", "statefulsets"], WRITE),
            _rule(["batch"], ["cronjobs", "jobs"], WRITE),
            _rule(["extensions"], ["daemonsets", "deployments", "replicasets"], WRITE),
        ],
    },
    {"metadata": {"name": "system:aggregate-to-view", "labels": {AGGREGATE + "view": "true"}}, "rules": []},
]
