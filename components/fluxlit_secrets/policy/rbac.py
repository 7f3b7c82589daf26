"""RBAC as the API server's authorizer evaluates it (pure): the rules a ServiceAccount has through
Roles and ClusterRoles (aggregation evaluated, the bootstrap roles included), every subject form
that names it, and every verb or subresource that yields a Secret's value or the power to get one.

A path is `how` a Read is reachable: `rbac` (get, list, watch, patch, delete, deletecollection on
secrets: each response holds the data), `rbac:impersonate` (act as any user or ServiceAccount),
`rbac:escalate` (bind or escalate roles: grant oneself anything), `rbac:token` (mint any
ServiceAccount's token), `rbac:exec` (exec or attach into the pods that mount it), `rbac:workload`
(create a pod or workload, or change one's template, that mounts it; none where an app's admission
policy refuses that), `rbac:node` (the kubelet's API through `nodes/proxy`: exec past admission).
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from fluxlit_secrets.model.resources import Res, items, mapping
from fluxlit_secrets.policy.bootstrap_roles import BOOTSTRAP_CLUSTER_ROLES

#: Verbs on secrets whose response carries the Secret's data.
READ_VERBS = ("get", "list", "watch", "patch", "delete", "deletecollection")
RBAC_GROUP = "rbac.authorization.k8s.io"
#: (how, API group, resource, verb): powers that reach any Secret in the binding's scope.
POWERS = (
    ("rbac:impersonate", "", "users", "impersonate"),
    ("rbac:impersonate", "", "groups", "impersonate"),
    ("rbac:impersonate", "", "serviceaccounts", "impersonate"),
    ("rbac:escalate", RBAC_GROUP, "roles", "escalate"),
    ("rbac:escalate", RBAC_GROUP, "clusterroles", "escalate"),
    ("rbac:escalate", RBAC_GROUP, "roles", "bind"),
    ("rbac:escalate", RBAC_GROUP, "clusterroles", "bind"),
    ("rbac:token", "", "serviceaccounts/token", "create"),
    ("rbac:exec", "", "pods/exec", "create"),
    ("rbac:exec", "", "pods/attach", "create"),
    # A debug container added to a running pod shares its volumes' node and process namespace.
    ("rbac:exec", "", "pods/ephemeralcontainers", "patch"),
    ("rbac:exec", "", "pods/ephemeralcontainers", "update"),
    ("rbac:workload", "", "pods", "create"),
    ("rbac:workload", "", "replicationcontrollers", "create"),
    ("rbac:workload", "apps", "deployments", "create"),
    ("rbac:workload", "apps", "statefulsets", "create"),
    ("rbac:workload", "apps", "daemonsets", "create"),
    ("rbac:workload", "apps", "replicasets", "create"),
    ("rbac:workload", "batch", "jobs", "create"),
    ("rbac:workload", "batch", "cronjobs", "create"),
    # Changing the pod template of an existing workload mounts anything, as creating one does.
    *(
        ("rbac:workload", group, resource, verb)
        for group, resource in (
            ("", "replicationcontrollers"),
            ("apps", "deployments"),
            ("apps", "statefulsets"),
            ("apps", "daemonsets"),
            ("apps", "replicasets"),
            ("batch", "jobs"),
            ("batch", "cronjobs"),
        )
        for verb in ("patch", "update")
    ),
)
#: Powers over cluster-scoped resources: held only through a ClusterRoleBinding. The kubelet's API
#: (`nodes/proxy`) runs exec in any pod of the node, past admission.
CLUSTER_POWERS = (
    ("rbac:node", "", "nodes/proxy", "get"),
    ("rbac:node", "", "nodes/proxy", "create"),
)


@dataclass(frozen=True, kw_only=True)
class Grant:
    """One rule a subject holds, and where: `scope` is the RoleBinding's namespace ('' cluster-wide)."""

    scope: str
    rule: Mapping[str, Any]


def _strings(value: Any) -> set[str]:
    return {str(x) for x in items(value)}


def allows(rule: Mapping[str, Any], *, verb: str, group: str, resource: str, name: str = "") -> bool:
    """True when `rule` allows `verb` on `group`/`resource` (a `pods/exec` subresource too) named `name`
    (the authorizer's matching: `*`, `*/subresource`, resourceNames)."""
    verbs, groups, resources = (
        _strings(rule.get("verbs")),
        _strings(rule.get("apiGroups")),
        _strings(rule.get("resources")),
    )
    names = _strings(rule.get("resourceNames"))
    sub = resource.split("/", 1)[1] if "/" in resource else ""
    return (
        bool(verbs & {verb, "*"})
        and bool(groups & {group, "*"})
        and bool(resources & {resource, "*", *([f"*/{sub}"] if sub else [])})
        and (not names or (bool(name) and name in names))
    )


def subject_names(namespace: str, service_account: str) -> tuple[str, set[str]]:
    """(user name, groups) of a ServiceAccount's token, as the authenticator gives them."""
    user = f"system:serviceaccount:{namespace}:{service_account}"
    return user, {"system:serviceaccounts", f"system:serviceaccounts:{namespace}", "system:authenticated"}


def binds(binding: Res, user: str, groups: set[str]) -> bool:
    """True when a (Cluster)RoleBinding names this user or one of its groups, in any subject form."""
    scope = str(binding.meta.get("namespace") or "")
    for s in items(binding.props.get("subjects")):
        kind, name = s.get("kind"), str(s.get("name") or "")
        if kind == "User" and name == user:
            return True
        if kind == "Group" and name in groups:
            return True
        if kind == "ServiceAccount":
            namespace = str(s.get("namespace") or scope)
            if user == f"system:serviceaccount:{namespace}:{name}":
                return True
    return False


def cluster_roles(resources: Iterable[Res]) -> dict[str, list[Mapping[str, Any]]]:
    """Every ClusterRole's rules (the stack's over the bootstrap ones), aggregation evaluated as the
    aggregation controller does: the union of the rules of the ClusterRoles its selectors match."""
    declared: dict[str, Mapping[str, Any]] = {str(r["metadata"]["name"]): r for r in BOOTSTRAP_CLUSTER_ROLES}
    for r in resources:
        if r.kind == "ClusterRole":
            declared[str(r.meta.get("name") or r.name)] = {
                "metadata": r.meta,
                "rules": r.props.get("rules"),
                "aggregationRule": r.props.get("aggregationRule"),
            }
    return {name: _rules_of(name, declared, set()) for name in declared}


def _rules_of(name: str, declared: Mapping[str, Mapping[str, Any]], seen: set[str]) -> list[Mapping[str, Any]]:
    role = declared[name]
    rules = [r for r in items(role.get("rules")) if isinstance(r, Mapping)]
    selectors = items(mapping(role.get("aggregationRule")).get("clusterRoleSelectors"))
    for other, body in declared.items():
        if other in seen or other == name:
            continue
        labels = mapping(mapping(body.get("metadata")).get("labels"))
        if any(_selects(sel, labels) for sel in selectors):
            rules += _rules_of(other, declared, seen | {name})
    return rules


def _selects(selector: Any, labels: Mapping[str, Any]) -> bool:
    match = mapping(mapping(selector).get("matchLabels"))
    return bool(match) and all(labels.get(k) == v for k, v in match.items())


def grants(resources: list[Res], namespace: str, service_account: str) -> list[Grant]:
    """Every rule a ServiceAccount holds, with the namespace it holds it in ('' for cluster-wide)."""
    user, groups = subject_names(namespace, service_account)
    return grants_of(resources, user, groups)


def grants_of(resources: list[Res], user: str, groups: set[str]) -> list[Grant]:
    """Every rule a user with these groups holds (`system:anonymous` with `system:unauthenticated`
    for a request without credentials)."""
    roles = {
        (str(r.meta.get("namespace") or ""), str(r.meta.get("name") or "")): r for r in resources if r.kind == "Role"
    }
    clusters = cluster_roles(resources)
    found: list[Grant] = []
    for binding in resources:
        if binding.kind not in ("RoleBinding", "ClusterRoleBinding") or not binds(binding, user, groups):
            continue
        ref = mapping(binding.props.get("roleRef"))
        scope = str(binding.meta.get("namespace") or "") if binding.kind == "RoleBinding" else ""
        if ref.get("kind") == "Role":
            role = roles.get((scope, str(ref.get("name") or "")))
            rules = [r for r in items(role.props.get("rules")) if isinstance(r, Mapping)] if role else []
        else:
            rules = clusters.get(str(ref.get("name") or ""), [])
        found += [Grant(scope=scope, rule=r) for r in rules]
    return found


def secret_paths(held: list[Grant], namespace: str, secret: str) -> Iterator[str]:
    """How the holder of `held` reaches Secret `namespace/secret` (`rbac` or an `rbac:<power>`)."""
    for grant in held:
        if grant.scope not in ("", namespace):
            continue
        if any(allows(grant.rule, verb=v, group="", resource="secrets", name=secret) for v in READ_VERBS):
            yield "rbac"
        for how, group, resource, verb in POWERS + (CLUSTER_POWERS if grant.scope == "" else ()):
            if allows(grant.rule, verb=verb, group=group, resource=resource):
                yield how
