"""The CSI rules catch hand-made wiring: unpinned objects, synced Secrets, writable or subPath mounts,
a pod mounting another workload's class, a clientID of another identity, owner-only files."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
import yaml

from fluxlit_secrets.engine.check import evaluate, resources_of
from fluxlit_secrets.model.labels import WORKLOAD_LABEL
from fluxlit_secrets.model.resources import Res
from tests.conftest import synth_config
from tests.delivery.test_csi import csi_config

SPC = "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass"


@pytest.fixture(scope="module")
def stacks() -> dict[str, list[Res]]:
    return {
        store: resources_of(synth_config(csi_config(store, **extra)))
        for store, extra in (("aws", {}), ("gcp", {"identity": "service-account"}), ("azure", {}))
    }


def mandatory(resources: list[Res]) -> list[tuple[str, str]]:
    return [(v.rule, v.message) for v in evaluate(resources) if v.level == "mandatory"]


def edit(resources: list[Res], pick: Callable[[Res], bool], change: Callable[[dict[str, Any]], None]) -> list[Res]:
    out = []
    for r in resources:
        props = copy.deepcopy(dict(r.props))
        if pick(r):
            change(props)
        out.append(replace(r, props=props))
    return out


def spc_of(workload: str) -> Callable[[Res], bool]:
    return lambda r: r.type == SPC and r.meta["labels"][WORKLOAD_LABEL] == workload


def deployment_of(workload: str) -> Callable[[Res], bool]:
    return lambda r: r.kind == "Deployment" and r.meta["labels"][WORKLOAD_LABEL] == workload


def rules_hit(resources: list[Res]) -> set[str]:
    return {rule for rule, _ in mandatory(resources)}


def test_the_stacks_as_built_pass(stacks: dict[str, list[Res]]) -> None:
    for resources in stacks.values():
        assert mandatory(resources) == []


def _objects(props: dict[str, Any]) -> tuple[str, list[Any]]:
    params = props["spec"]["parameters"]
    key = "secrets" if props["spec"]["provider"] in ("gcp", "gke") else "objects"
    return key, yaml.safe_load(params[key])


@pytest.mark.parametrize("store", ["aws", "gcp", "azure"])
def test_an_unpinned_object_is_refused(stacks: dict[str, list[Res]], store: str) -> None:
    def unpin(props: dict[str, Any]) -> None:
        key, listed = _objects(props)
        if store == "gcp":
            listed[0]["resourceName"] = listed[0]["resourceName"].rsplit("/", 1)[0] + "/latest"
        elif store == "aws":
            del listed[0]["objectVersion"]
            listed[0]["objectVersionLabel"] = "AWSCURRENT"
        else:
            first = yaml.safe_load(listed["array"][0])
            first["objectVersion"] = ""
            listed["array"][0] = yaml.safe_dump(first)
        props["spec"]["parameters"][key] = yaml.safe_dump(listed)

    assert "provider-classes-pinned" in rules_hit(edit(stacks[store], spc_of("gateway"), unpin))


def test_syncing_into_a_kubernetes_secret_is_refused(stacks: dict[str, list[Res]]) -> None:
    def sync(props: dict[str, Any]) -> None:
        props["spec"]["secretObjects"] = [{"secretName": "copy", "type": "Opaque", "data": []}]

    assert "provider-classes-pinned" in rules_hit(edit(stacks["aws"], spc_of("gateway"), sync))


@pytest.mark.parametrize(
    "change",
    [
        lambda spec: spec["volumes"][-1]["csi"].update(readOnly=False),
        lambda spec: spec["containers"][0]["volumeMounts"][-1].update(subPath="REPORTS_TOKEN"),
        lambda spec: spec["containers"][0]["volumeMounts"][-1].update(readOnly=False),
    ],
)
def test_csi_volumes_are_read_only_and_whole(stacks: dict[str, list[Res]], change: Callable) -> None:
    resources = edit(stacks["gcp"], deployment_of("streamlit"), lambda p: change(p["spec"]["template"]["spec"]))
    assert "csi-volumes-read-only" in rules_hit(resources)


@pytest.mark.parametrize("store", ["aws", "gcp", "azure"])
def test_streamlit_mounting_the_gateways_class_is_caught(stacks: dict[str, list[Res]], store: str) -> None:
    gateway = next(r for r in stacks[store] if spc_of("gateway")(r)).meta["name"]

    def swap(props: dict[str, Any]) -> None:
        volume = props["spec"]["template"]["spec"]["volumes"][-1]
        volume["csi"]["volumeAttributes"]["secretProviderClass"] = gateway

    hit = mandatory(edit(stacks[store], deployment_of("streamlit"), swap))
    messages = [m for rule, m in hit if rule == "provider-classes-read-by-their-identity"]
    assert messages, hit
    assert any("jwt" in m for m in messages)
    assert "streamlit-no-gateway-secrets" in {rule for rule, _ in hit}


def test_azure_client_id_of_another_identity_is_caught(stacks: dict[str, list[Res]]) -> None:
    other = next(r for r in stacks["azure"] if spc_of("gateway")(r)).props["spec"]["parameters"]["clientID"]

    def borrow(props: dict[str, Any]) -> None:
        props["spec"]["parameters"]["clientID"] = other

    hit = mandatory(edit(stacks["azure"], spc_of("streamlit"), borrow))
    assert any(rule == "provider-classes-read-by-their-identity" and "clientID" in m for rule, m in hit)


def test_an_object_outside_the_stack_is_caught(stacks: dict[str, list[Res]]) -> None:
    def foreign(props: dict[str, Any]) -> None:
        key, listed = _objects(props)
        listed[0]["objectName"] = "arn:aws:secretsmanager:us-east-1:999999999999:secret:someone-else-AbCdEf"
        props["spec"]["parameters"][key] = yaml.safe_dump(listed)

    hit = mandatory(edit(stacks["aws"], spc_of("streamlit"), foreign))
    assert any("no secret of this stack" in m for _, m in hit)


def test_owner_only_files_for_a_non_root_pod_are_caught(stacks: dict[str, list[Res]]) -> None:
    def tighten(props: dict[str, Any]) -> None:
        key, listed = _objects(props)
        for o in listed:
            o["filePermission"] = "0400"
        props["spec"]["parameters"][key] = yaml.safe_dump(listed)

    hit = mandatory(edit(stacks["aws"], spc_of("streamlit"), tighten))
    assert any("ignores fsGroup" in m for _, m in hit)


def test_irsa_pod_with_another_roles_annotation_is_caught(stacks: dict[str, list[Res]]) -> None:
    irsa = resources_of(synth_config(csi_config("aws")))
    gateway_role = next(
        r.meta["annotations"]["eks.amazonaws.com/role-arn"]
        for r in irsa
        if r.kind == "ServiceAccount" and r.meta["name"] == "admin-portal-gateway"
    )

    def point(props: dict[str, Any]) -> None:
        props["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] = gateway_role

    is_streamlit_sa = lambda r: r.kind == "ServiceAccount" and r.meta["name"] == "admin-portal-streamlit"  # noqa: E731
    hit = mandatory(edit(irsa, is_streamlit_sa, point))
    assert any(rule == "provider-classes-read-by-their-identity" for rule, _ in hit)
