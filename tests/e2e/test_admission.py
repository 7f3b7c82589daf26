"""Under the real CLI, on the local control plane: the app's ValidatingAdmissionPolicy refuses every
way from a workload's secrets to another process, whoever sends the request (the Python client as
the cluster's admin, or another Pulumi program), with the message naming the rule; the app's own
pods, a rotation and its rollout are admitted."""

import copy
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from e2e.plane import ControlPlane
from fluxlit_secrets import merge_pod_template
from fluxlit_secrets.engine.state import resources_of_state
from fluxlit_secrets.model.resources import Res
from fluxlit_secrets.policy import rbac
from fluxlit_secrets.policy.bootstrap_roles import AGGREGATE, BOOTSTRAP_CLUSTER_ROLES, RELEVANT
from tests.e2e.harness import Pulumi, python_program

pytestmark = pytest.mark.e2e

NS, RECORDS, GATEWAY_SA, STREAMLIT_SA = "vault", "vault-records", "vault-gateway", "vault-streamlit"
PROGRAM = """\
import pulumi
from fluxlit_secrets import SecretLifecycle

generation = pulumi.Config().get_int("generation") or 1
SecretLifecycle("vault", {"app": "vault", "disposable": True,
    "secrets": {"jwt": {"kind": "jwt-hs256", "generation": generation},
                "reports": {"kind": "opaque", "consumers": {"gateway": {"as": "file", "name": "REPORTS"},
                                                           "streamlit": {"as": "file", "name": "REPORTS"}}}},
    "deployments": {"image": "ghcr.io/acme/vault:1.0.0", "gateway_replicas": 1}})
# An app whose team writes its own Deployments from the pod fragments (merge_pod_template).
frag = SecretLifecycle("frag", {"app": "frag", "disposable": True, "secrets": {"jwt": {"kind": "jwt-hs256"}}})
pulumi.export("fragments", frag.pod_fragments)
"""
#: What restricted Pod Security asks of a pod, so that the admission policy is what refuses it.
RESTRICTED_POD = {"runAsNonRoot": True, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}}
RESTRICTED_CONTAINER = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}


def pod_spec(service_account: str = "default", **extra: Any) -> dict[str, Any]:
    container = {"name": "c", "image": "busybox:1", "securityContext": RESTRICTED_CONTAINER, **extra.pop("c", {})}
    return {
        "serviceAccountName": service_account,
        "automountServiceAccountToken": False,
        "securityContext": RESTRICTED_POD,
        "containers": [container],
        **extra,
    }


def template(spec: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"labels": {"a": "b"}}, "spec": spec}


@pytest.fixture(scope="module")
def app(plane: ControlPlane, tmp_path_factory: pytest.TempPathFactory) -> Pulumi:
    """The app deployed by `pulumi up` (the `api_client` fixture waits for its policy to act)."""
    cli = python_program(tmp_path_factory.mktemp("admission"), plane, name="vault", program=PROGRAM)
    cli.up()
    return cli


@pytest.fixture(scope="module")
def api_client(app: Pulumi, plane: ControlPlane) -> client.ApiClient:
    from kubernetes import config

    api = config.new_client_from_config(config_file=str(plane.kubeconfig))
    core = client.CoreV1Api(api)
    probe = {"metadata": {"name": "probe"}, "spec": pod_spec(GATEWAY_SA)}
    deadline = time.monotonic() + 60
    while True:  # sync point: the API server enforces a new policy once its informer has it
        try:
            core.create_namespaced_pod(NS, probe, dry_run="All")
        except ApiException as error:
            if "fluxlit-secrets identity-only-its-deployment" in (error.body or ""):
                return api
        if time.monotonic() > deadline:
            raise AssertionError("the app's admission policy was not enforced within 60 s")
        time.sleep(0.2)


def delivery_secret(api: client.ApiClient, workload: str) -> str:
    names = [s.metadata.name for s in client.CoreV1Api(api).list_namespaced_secret(NS).items]
    found = [n for n in names if n.startswith(f"vault-{workload}-") and len(n) == len(f"vault-{workload}-") + 10]
    assert len(found) == 1, names
    return found[0]


def refused(call: Callable[[], Any], rule: str) -> None:
    """`call` is refused by the API server with the admission policy's message for `rule`."""
    with pytest.raises(ApiException) as caught:
        call()
    body = caught.value.body or ""
    assert caught.value.status in (403, 422), body
    assert f"fluxlit-secrets {rule}:" in body, body


def exec_into(api: client.ApiClient, pod: str) -> Any:
    """POST pods/exec (the connect request `kubectl exec` starts with), raising the API's refusal."""
    method, url, headers, body, post = api.param_serialize(
        "POST",
        f"/api/v1/namespaces/{NS}/pods/{pod}/exec",
        query_params=[("command", "cat"), ("stdout", "true")],
        auth_settings=["BearerToken"],
    )
    response = api.call_api(method, url, header_params=headers, body=body, post_params=post)
    response.read()
    return api.response_deserialize(response, {"200": "object"})


def attacks(api: client.ApiClient) -> dict[str, tuple[Callable[[], Any], str]]:
    core, apps, batch = client.CoreV1Api(api), client.AppsV1Api(api), client.BatchV1Api(api)
    gateway = delivery_secret(api, "gateway")
    volume = {"name": "s", "secret": {"secretName": gateway}}
    mount = {"volumeMounts": [{"name": "s", "mountPath": "/s", "readOnly": True}]}
    env = {"env": [{"name": "K", "valueFrom": {"secretKeyRef": {"name": gateway, "key": "FLUXLIT_JWT_HS256_SECRET"}}}]}
    projected = {"name": "s", "projected": {"sources": [{"secret": {"name": gateway}}]}}
    selector = {"matchLabels": {"a": "b"}}

    def workload(kind: str, spec: dict[str, Any]) -> Callable[[], Any]:
        body = {"metadata": {"name": f"x-{kind.lower()}"}, "spec": {"selector": selector, "template": template(spec)}}
        create = {
            "Deployment": apps.create_namespaced_deployment,
            "StatefulSet": apps.create_namespaced_stateful_set,
            "DaemonSet": apps.create_namespaced_daemon_set,
            "ReplicaSet": apps.create_namespaced_replica_set,
        }[kind]
        if kind == "StatefulSet":
            body["spec"]["serviceName"] = "x"
        return lambda: create(NS, body)

    job = {"metadata": {"name": "x-job"}, "spec": {"template": template({**pod_spec(c=env), "restartPolicy": "Never"})}}
    cron = {
        "metadata": {"name": "x-cron"},
        "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": job["spec"]}},
    }
    token_secret = {
        "metadata": {"name": "gw-token", "annotations": {"kubernetes.io/service-account.name": GATEWAY_SA}},
        "type": "kubernetes.io/service-account-token",
    }
    gateway_pod = next(
        p.metadata.name for p in core.list_namespaced_pod(NS).items if p.metadata.name.startswith(GATEWAY_SA)
    )
    debug = {
        "spec": {
            "ephemeralContainers": [{"name": "dbg", "image": "busybox:1", "securityContext": RESTRICTED_CONTAINER}]
        }
    }
    patch = {
        "spec": {
            "template": {"spec": {"containers": [{"name": "streamlit", "envFrom": [{"secretRef": {"name": gateway}}]}]}}
        }
    }
    return {
        "pod-mounting-the-gateway-secret": (
            lambda: core.create_namespaced_pod(
                NS, {"metadata": {"name": "x"}, "spec": pod_spec(c=mount, volumes=[volume])}
            ),
            "delivered-only-to-its-workload",
        ),
        "deployment-env-from-the-gateway-secret": (
            workload("Deployment", pod_spec(c=env)),
            "delivered-only-to-its-workload",
        ),
        "statefulset-projected": (
            workload("StatefulSet", pod_spec(c=mount, volumes=[projected])),
            "delivered-only-to-its-workload",
        ),
        "daemonset-env-from": (
            workload("DaemonSet", pod_spec(c={"envFrom": [{"secretRef": {"name": gateway}}]})),
            "delivered-only-to-its-workload",
        ),
        "replicaset-as-streamlit": (
            workload("ReplicaSet", pod_spec(STREAMLIT_SA, c=mount, volumes=[volume])),
            "delivered-only-to-its-workload",
        ),
        "job-secret-key-ref": (lambda: batch.create_namespaced_job(NS, job), "delivered-only-to-its-workload"),
        "cronjob-secret-key-ref": (
            lambda: batch.create_namespaced_cron_job(NS, cron),
            "delivered-only-to-its-workload",
        ),
        "second-deployment-as-the-gateway": (
            workload("Deployment", pod_spec(GATEWAY_SA)),
            "identity-only-its-deployment",
        ),
        "bare-pod-as-the-gateway": (
            lambda: core.create_namespaced_pod(NS, {"metadata": {"name": "x"}, "spec": pod_spec(GATEWAY_SA)}),
            "identity-only-its-deployment",
        ),
        "job-as-the-gateway": (
            lambda: batch.create_namespaced_job(
                NS,
                {
                    "metadata": {"name": "x-job2"},
                    "spec": {"template": template({**pod_spec(GATEWAY_SA), "restartPolicy": "Never"})},
                },
            ),
            "identity-only-its-deployment",
        ),
        "debug-container-in-the-gateway": (
            lambda: core.patch_namespaced_pod_ephemeralcontainers(gateway_pod, NS, debug),
            "identity-only-its-deployment",
        ),
        "token-request-for-the-gateway": (
            lambda: core.create_namespaced_service_account_token(GATEWAY_SA, NS, {"spec": {"audiences": ["x"]}}),
            "no-token-for-an-identity",
        ),
        "legacy-token-secret-of-the-gateway": (
            lambda: core.create_namespaced_secret(NS, token_secret),
            "no-token-for-an-identity",
        ),
        "exec-into-the-gateway": (lambda: exec_into(api, gateway_pod), "no-exec-into-gateway-material"),
        "patch-streamlit-to-read-the-gateway-secret": (
            lambda: apps.patch_namespaced_deployment(STREAMLIT_SA, NS, patch),
            "delivered-only-to-its-workload",
        ),
        "host-path": (
            workload(
                "Deployment", pod_spec(c=mount, volumes=[{"name": "s", "hostPath": {"path": "/var/lib/kubelet"}}])
            ),
            "no-host-path",
        ),
        "pod-in-the-records-namespace": (
            lambda: core.create_namespaced_pod(RECORDS, {"metadata": {"name": "x"}, "spec": pod_spec()}),
            "records-run-nothing",
        ),
    }


ATTACK_NAMES = [
    "pod-mounting-the-gateway-secret",
    "deployment-env-from-the-gateway-secret",
    "statefulset-projected",
    "daemonset-env-from",
    "replicaset-as-streamlit",
    "job-secret-key-ref",
    "cronjob-secret-key-ref",
    "second-deployment-as-the-gateway",
    "bare-pod-as-the-gateway",
    "job-as-the-gateway",
    "debug-container-in-the-gateway",
    "token-request-for-the-gateway",
    "legacy-token-secret-of-the-gateway",
    "exec-into-the-gateway",
    "patch-streamlit-to-read-the-gateway-secret",
    "host-path",
    "pod-in-the-records-namespace",
]


@pytest.mark.parametrize("name", ATTACK_NAMES)
def test_the_api_server_refuses_each_attack_from_a_client(api_client: client.ApiClient, name: str) -> None:
    call, rule = attacks(api_client)[name]
    refused(call, rule)


def test_the_attack_list_is_complete(api_client: client.ApiClient) -> None:
    assert sorted(attacks(api_client)) == sorted(ATTACK_NAMES)


ROLLOUT_CRD = {
    "metadata": {"name": "rollouts.argoproj.io"},
    "spec": {
        "group": "argoproj.io",
        "scope": "Namespaced",
        "names": {"plural": "rollouts", "singular": "rollout", "kind": "Rollout"},
        "versions": [
            {
                "name": "v1alpha1",
                "served": True,
                "storage": True,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
            }
        ],
    },
}
ATTACKER = """\
import pulumi
import pulumi_kubernetes as k8s

config = pulumi.Config()
gateway = config.require("gatewaySecret")
NS = "vault"
RESTRICTED_POD = {restricted_pod!r}
RESTRICTED_CONTAINER = {restricted_container!r}


def spec(sa="default", **c):
    return {{"serviceAccountName": sa, "automountServiceAccountToken": False, "securityContext": RESTRICTED_POD,
             "containers": [{{"name": "c", "image": "busybox:1", "securityContext": RESTRICTED_CONTAINER, **c}}]}}


env_from = [{{"secretRef": {{"name": gateway}}}}]
k8s.batch.v1.Job("as-gateway", metadata={{"namespace": NS}},
    spec={{"template": {{"spec": {{**spec("vault-gateway"), "restartPolicy": "Never"}}}}}})
k8s.apps.v1.DeploymentPatch("patched", metadata={{"name": "vault-streamlit", "namespace": NS}},
    spec={{"template": {{"spec": {{"containers": [{{"name": "streamlit", "envFrom": env_from}}]}}}}}})
k8s.yaml.v2.ConfigGroup("group", objs=[{{"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {{"name": "grouped", "namespace": NS}},
    "spec": {{"selector": {{"matchLabels": {{"a": "b"}}}}, "template": {{"metadata": {{"labels": {{"a": "b"}}}},
              "spec": spec(envFrom=env_from)}}}}}}])
k8s.apiextensions.CustomResource("rollout", api_version="argoproj.io/v1alpha1", kind="Rollout",
    metadata={{"namespace": NS}}, spec={{"template": {{"spec": spec(envFrom=env_from)}}}})
k8s.core.v1.Secret("token", metadata={{"namespace": NS, "annotations":
    {{"kubernetes.io/service-account.name": "vault-gateway"}}}}, type="kubernetes.io/service-account-token")
"""


def test_pulumi_up_of_an_attacker_program_is_refused_by_the_api_server(
    app: Pulumi, api_client: client.ApiClient, plane: ControlPlane, tmp_path: Path
) -> None:
    ext = client.ApiextensionsV1Api(api_client)
    ext.create_custom_resource_definition(copy.deepcopy(ROLLOUT_CRD))
    deadline = time.monotonic() + 30
    while not any(  # sync point: the CRD serves once Established
        c.type == "Established" and c.status == "True"
        for c in (ext.read_custom_resource_definition("rollouts.argoproj.io").status.conditions or [])
    ):
        assert time.monotonic() < deadline, "the Rollout CRD was not established"
        time.sleep(0.2)
    program = ATTACKER.format(restricted_pod=RESTRICTED_POD, restricted_container=RESTRICTED_CONTAINER)
    cli = python_program(tmp_path, plane, name="attacker", program=program)
    cli.run("config", "set", "gatewaySecret", delivery_secret(api_client, "gateway"))
    code, said = cli.attempt("up", "--yes", "--skip-preview", "--continue-on-error")
    assert code != 0, said
    for rule in ("identity-only-its-deployment", "delivered-only-to-its-workload", "no-token-for-an-identity"):
        assert f"fluxlit-secrets {rule}:" in said, said[-4000:]
    for resource in ("as-gateway", "patched", "rollout", "token"):
        assert resource in said
    # Nothing of the attacker's reached the API server.
    assert not [j for j in client.BatchV1Api(api_client).list_namespaced_job(NS).items]
    streamlit = client.AppsV1Api(api_client).read_namespaced_deployment(STREAMLIT_SA, NS)
    assert all(not c.env_from for c in streamlit.spec.template.spec.containers)
    cli.run("destroy", "--yes", "--skip-preview")
    ext.delete_custom_resource_definition("rollouts.argoproj.io")


def test_the_apps_own_pods_are_admitted_and_a_rotation_still_rolls(app: Pulumi, api_client: client.ApiClient) -> None:
    core = client.CoreV1Api(api_client)
    before = delivery_secret(api_client, "gateway")
    pods = {p.metadata.name for p in core.list_namespaced_pod(NS).items}
    assert any(p.startswith(f"{GATEWAY_SA}-") for p in pods) and any(p.startswith(f"{STREAMLIT_SA}-") for p in pods)
    app.run("config", "set", "generation", "2")
    app.up()
    after = delivery_secret(api_client, "gateway")
    assert after != before
    deployment = client.AppsV1Api(api_client).read_namespaced_deployment(GATEWAY_SA, NS)
    volumes = {v.secret.secret_name for v in deployment.spec.template.spec.volumes if v.secret}
    assert volumes == {after}
    # The new pods of the rolled Deployment exist: the controllers' requests were admitted.
    gateway_pods = [p for p in core.list_namespaced_pod(NS).items if p.metadata.name.startswith(f"{GATEWAY_SA}-")]
    assert any(after in {v.secret.secret_name for v in p.spec.volumes if v.secret} for p in gateway_pods), [
        p.metadata.name for p in gateway_pods
    ]


# -- the real authorizer asked, not our model ------------------------------------------------------

#: Subjects that are no ServiceAccount of the namespace: (user, groups).
GROUP_SUBJECTS = [
    ("someone-else", ["system:serviceaccounts", "system:authenticated"]),
    ("someone-else", [f"system:serviceaccounts:{NS}", "system:authenticated"]),
    ("someone-else", ["system:authenticated"]),
    ("system:anonymous", ["system:unauthenticated"]),
]


def allowed(api: client.ApiClient, user: str, groups: list[str], attributes: dict[str, str]) -> bool:
    """The API server's authorizer: may `user` in `groups` do this?"""
    review = {"spec": {"user": user, "groups": groups, "resourceAttributes": attributes}}
    return bool(client.AuthorizationV1Api(api).create_subject_access_review(review).status.allowed)


def subjects(api: client.ApiClient) -> list[tuple[str, list[str]]]:
    """Every ServiceAccount of the app's namespaces as its token presents it, then the groups."""
    core = client.CoreV1Api(api)
    found = []
    for ns in (NS, RECORDS):
        for sa in core.list_namespaced_service_account(ns).items:
            user, groups = rbac.subject_names(ns, sa.metadata.name)
            found.append((user, sorted(groups)))
    return found + GROUP_SUBJECTS


def component_secrets(api: client.ApiClient) -> list[tuple[str, str]]:
    core = client.CoreV1Api(api)
    return [
        (ns, s.metadata.name)
        for ns in (NS, RECORDS)
        for s in core.list_namespaced_secret(ns, label_selector="app.kubernetes.io/managed-by=fluxlit-secrets").items
    ]


def authorizer_paths(api: client.ApiClient, user: str, groups: list[str], secret: tuple[str, str]) -> set[str]:
    """The paths to a Secret the authorizer allows this subject, asked verb by verb."""
    ns, name = secret
    paths = set()
    if any(
        allowed(api, user, groups, {"namespace": ns, "verb": v, "resource": "secrets", "name": name})
        for v in rbac.READ_VERBS
    ):
        paths.add("rbac")
    for how, group, resource, verb in rbac.POWERS:
        plural, _, sub = resource.partition("/")
        attributes = {"namespace": ns, "verb": verb, "group": group, "resource": plural, "subresource": sub}
        if allowed(api, user, groups, attributes):
            paths.add(how)
    for how, group, resource, verb in rbac.CLUSTER_POWERS:
        plural, _, sub = resource.partition("/")
        attributes = {"verb": verb, "group": group, "resource": plural, "subresource": sub}
        if allowed(api, user, groups, attributes):
            paths.add(how)
    return paths


def model_paths(resources: list[Res], user: str, groups: list[str], secret: tuple[str, str]) -> set[str]:
    return set(rbac.secret_paths(rbac.grants_of(resources, user, set(groups)), *secret))


def as_res(kind: str, body: dict[str, Any]) -> Res:
    """A manifest applied with the client, as the rules see it."""
    return Res(
        type=f"kubernetes:rbac.authorization.k8s.io/v1:{kind}",
        name=body["metadata"]["name"],
        urn=f"urn:client::{kind}::{body['metadata']['name']}",
        props=body,
    )


def rbac_attacks() -> list[tuple[str, dict[str, Any]]]:
    """RBAC an attacker adds beside the program: each family of issue 24's list."""
    sa = {"kind": "ServiceAccount", "name": STREAMLIT_SA, "namespace": NS}
    ref = lambda kind, name: {"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": name}  # noqa: E731

    def role(name: str, rules: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
        return "Role", {"metadata": {"name": name, "namespace": NS}, "rules": rules}

    def bind(name: str, subject: dict[str, Any], role_ref: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return "RoleBinding", {"metadata": {"name": name, "namespace": NS}, "subjects": [subject], "roleRef": role_ref}

    def rule(verbs: list[str], resources: list[str], group: str = "") -> dict[str, Any]:
        return {"apiGroups": [group], "resources": resources, "verbs": verbs}

    return [
        (
            "ClusterRole",
            {
                "metadata": {
                    "name": "vault-extra-view",
                    "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"},
                },
                "rules": [rule(["get"], ["secrets"])],
            },
        ),
        bind("aggregated", sa, ref("ClusterRole", "view")),
        role("patcher", [rule(["patch"], ["secrets"])]),
        bind(
            "user-subject",
            {"kind": "User", "name": f"system:serviceaccount:{NS}:vault-gateway"},
            ref("Role", "patcher"),
        ),
        role("lister", [rule(["list"], ["secrets"])]),
        bind("every-sa-of-ns", {"kind": "Group", "name": f"system:serviceaccounts:{NS}"}, ref("Role", "lister")),
        role("impersonator", [rule(["impersonate"], ["serviceaccounts"])]),
        bind("impersonate", {"kind": "Group", "name": "system:authenticated"}, ref("Role", "impersonator")),
        role("binder", [rule(["bind", "escalate"], ["roles"], "rbac.authorization.k8s.io")]),
        bind("bind", {"kind": "Group", "name": "system:serviceaccounts"}, ref("Role", "binder")),
        role("execer", [rule(["create"], ["pods/exec"]), rule(["create"], ["jobs"], "batch")]),
        bind("exec", {"kind": "Group", "name": "system:unauthenticated"}, ref("Role", "execer")),
        role("minter", [rule(["create"], ["serviceaccounts/token"])]),
        bind("mint", sa, ref("Role", "minter")),
        bind("edit", {"kind": "ServiceAccount", "name": "default", "namespace": NS}, ref("ClusterRole", "edit")),
        ("ClusterRole", {"metadata": {"name": "vault-node-proxy"}, "rules": [rule(["get"], ["nodes/proxy"])]}),
        (
            "ClusterRoleBinding",
            {
                "metadata": {"name": "vault-node-proxy"},
                "subjects": [sa],
                "roleRef": ref("ClusterRole", "vault-node-proxy"),
            },
        ),
    ]


def apply_rbac(api: client.ApiClient, manifests: list[tuple[str, dict[str, Any]]]) -> None:
    r = client.RbacAuthorizationV1Api(api)
    create = {
        "ClusterRole": r.create_cluster_role,
        "Role": lambda b: r.create_namespaced_role(NS, b),
        "RoleBinding": lambda b: r.create_namespaced_role_binding(NS, b),
        "ClusterRoleBinding": r.create_cluster_role_binding,
    }
    for kind, body in manifests:
        create[kind](copy.deepcopy(body))


def disagreements(api: client.ApiClient, resources: list[Res]) -> list[str]:
    found = []
    for user, groups in subjects(api):
        for secret in component_secrets(api):
            real, ours = authorizer_paths(api, user, groups, secret), model_paths(resources, user, groups, secret)
            if real != ours:
                found.append(f"{user} {groups} on {secret}: authorizer {sorted(real)}, check {sorted(ours)}")
    return found


def test_the_authorizer_and_check_agree_on_who_reads_the_apps_secrets(
    app: Pulumi, api_client: client.ApiClient, tmp_path: Path
) -> None:
    (tmp_path / "state.json").write_text(json.dumps(app.export()))
    deployed = resources_of_state(tmp_path / "state.json")
    assert component_secrets(api_client), "the component created no Secret"
    # As deployed: no subject reaches any of them through the API (pods read their own by volume).
    assert disagreements(api_client, deployed) == []
    assert all(
        not model_paths(deployed, u, g, s) for u, g in subjects(api_client) for s in component_secrets(api_client)
    )
    # With every RBAC attack family applied beside the program: the same answers, path by path.
    manifests = rbac_attacks()
    apply_rbac(api_client, manifests)
    try:
        with_attacks = deployed + [as_res(kind, body) for kind, body in manifests]
        # The aggregation controller fills `view`: a sync point, not a sleep.
        deadline = time.monotonic() + 30
        while not allowed(
            api_client,
            f"system:serviceaccount:{NS}:{STREAMLIT_SA}",
            [],
            {"namespace": NS, "verb": "get", "resource": "secrets"},
        ):
            assert time.monotonic() < deadline, "the view role never aggregated the added rules"
            time.sleep(0.2)
        assert disagreements(api_client, with_attacks) == []
        reached = {
            how
            for u, g in subjects(api_client)
            for s in component_secrets(api_client)
            for how in model_paths(with_attacks, u, g, s)
        }
        assert reached == {
            "rbac",
            "rbac:impersonate",
            "rbac:escalate",
            "rbac:exec",
            "rbac:workload",
            "rbac:token",
            "rbac:node",
        }
    finally:
        remove_rbac(api_client, manifests)


def remove_rbac(api: client.ApiClient, manifests: list[tuple[str, dict[str, Any]]]) -> None:
    r = client.RbacAuthorizationV1Api(api)
    for kind, body in manifests:
        name = body["metadata"]["name"]
        if kind == "ClusterRole":
            r.delete_cluster_role(name)
        elif kind == "ClusterRoleBinding":
            r.delete_cluster_role_binding(name)
        elif kind == "Role":
            r.delete_namespaced_role(name, NS)
        else:
            r.delete_namespaced_role_binding(name, NS)


def test_workload_creation_granted_by_rbac_still_cannot_mount_the_gateway_secret(
    api_client: client.ApiClient, plane: ControlPlane
) -> None:
    """`check` counts no workload path to a delivery Secret where the admission policy is on: a
    subject the authorizer lets create Jobs is refused by admission when its Job mounts one."""
    gateway = delivery_secret(api_client, "gateway")
    job = {
        "metadata": {"name": "x-impersonated"},
        "spec": {
            "template": template(
                {**pod_spec(c={"envFrom": [{"secretRef": {"name": gateway}}]}), "restartPolicy": "Never"}
            )
        },
    }
    r = client.RbacAuthorizationV1Api(api_client)
    r.create_namespaced_role(
        NS,
        {"metadata": {"name": "jobs"}, "rules": [{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["create"]}]},
    )
    subject = {"kind": "ServiceAccount", "name": "default", "namespace": NS}
    r.create_namespaced_role_binding(
        NS,
        {
            "metadata": {"name": "jobs"},
            "subjects": [subject],
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "jobs"},
        },
    )
    try:
        as_default = client.ApiClient(api_client.configuration)
        as_default.set_default_header("Impersonate-User", f"system:serviceaccount:{NS}:default")
        batch = client.BatchV1Api(as_default)
        refused(lambda: batch.create_namespaced_job(NS, job), "delivered-only-to-its-workload")
    finally:
        r.delete_namespaced_role_binding("jobs", NS)
        r.delete_namespaced_role("jobs", NS)


def relevant(rules: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    """(group, resource, verb) of the rules that touch a Secret's value or the power to get one."""
    found = set()
    for rule in rules:
        for group in rule.get("apiGroups") or []:
            for resource in rule.get("resources") or []:
                for verb in rule.get("verbs") or []:
                    if resource in RELEVANT and (resource == "secrets" or verb not in ("get", "list", "watch")):
                        found.add((group, resource, verb))
    return found


def test_the_bootstrap_roles_kept_as_data_are_the_api_servers(api_client: client.ApiClient) -> None:
    r = client.RbacAuthorizationV1Api(api_client)
    for ours in BOOTSTRAP_CLUSTER_ROLES:
        name = ours["metadata"]["name"]
        real = api_client.sanitize_for_serialization(r.read_cluster_role(name))
        labels = {k: v for k, v in (real["metadata"].get("labels") or {}).items() if k.startswith(AGGREGATE)}
        assert labels == ours["metadata"]["labels"], name
        if ours.get("aggregationRule"):
            assert real["aggregationRule"] == ours["aggregationRule"], name
        else:
            assert relevant(real.get("rules") or []) == relevant(ours["rules"]), name


def test_a_deployment_merged_with_merge_pod_template_is_admitted(app: Pulumi, api_client: client.ApiClient) -> None:
    """The team's own Deployment, its pod template merged from the fragment, runs under restricted
    Pod Security and the app's admission policy: its ReplicaSet and pods are admitted."""
    fragment = json.loads(app.run("stack", "output", "fragments", "--show-secrets", "--json"))["gateway"]
    own = {
        "metadata": {"labels": {"team": "frag"}},
        "spec": {"containers": [{"name": "app", "image": "ghcr.io/acme/frag:1.0.0"}]},
    }
    merged = merge_pod_template(fragment, own)
    selector = {"matchLabels": merged["metadata"]["labels"]}
    body = {"metadata": {"name": "frag-gateway"}, "spec": {"replicas": 1, "selector": selector, "template": merged}}
    client.AppsV1Api(api_client).create_namespaced_deployment("frag", body)
    core = client.CoreV1Api(api_client)
    deadline = time.monotonic() + 60
    while not [p for p in core.list_namespaced_pod("frag").items if p.metadata.name.startswith("frag-gateway-")]:
        # Sync point: the controllers' requests for the ReplicaSet and pod were admitted.
        events = [e.message for e in core.list_namespaced_event("frag").items if e.type == "Warning"]
        assert time.monotonic() < deadline, f"no pod of the merged Deployment was admitted: {events}"
        time.sleep(0.2)
    (pod,) = [p for p in core.list_namespaced_pod("frag").items if p.metadata.name.startswith("frag-gateway-")]
    assert pod.spec.service_account_name == "frag-gateway"
    assert pod.spec.containers[0].security_context.allow_privilege_escalation is False
