"""What the API server holds: Deployments with their ReplicaSets and pods, and a watch of a run."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from kubernetes import client, watch

REVISION = "deployment.kubernetes.io/revision"


@dataclass(frozen=True)
class Rollout:
    """A Deployment at one moment: its revision, current ReplicaSet and that ReplicaSet's pods."""

    name: str
    revision: int
    replica_set: str
    pods: frozenset[str]  # pod UIDs
    ready: int
    replicas: int


def rollouts(api: client.ApiClient) -> dict[str, Rollout]:
    """Every Deployment on the cluster, by `namespace/name`."""
    apps, core = client.AppsV1Api(api), client.CoreV1Api(api)
    sets = apps.list_replica_set_for_all_namespaces().items
    pods = core.list_pod_for_all_namespaces().items
    result = {}
    for deployment in apps.list_deployment_for_all_namespaces().items:
        revision = (deployment.metadata.annotations or {}).get(REVISION, "0")
        current = [
            rs
            for rs in sets
            if any(o.uid == deployment.metadata.uid for o in rs.metadata.owner_references or [])
            and (rs.metadata.annotations or {}).get(REVISION) == revision
        ]
        assert len(current) == 1, f"{deployment.metadata.name}: {len(current)} ReplicaSets at revision {revision}"
        rs = current[0]
        owned = frozenset(
            p.metadata.uid
            for p in pods
            if any(o.uid == rs.metadata.uid for o in p.metadata.owner_references or [])
            and p.metadata.deletion_timestamp is None
        )
        result[f"{deployment.metadata.namespace}/{deployment.metadata.name}"] = Rollout(
            name=deployment.metadata.name,
            revision=int(revision),
            replica_set=rs.metadata.name,
            pods=owned,
            ready=deployment.status.ready_replicas or 0,
            replicas=deployment.spec.replicas,
        )
    return result


def pod_ready(pod: Any) -> bool:
    return any(c.type == "Ready" and c.status == "True" for c in (pod.status.conditions or []))


@dataclass
class Event:
    kind: str  # Pod or Secret
    type: str  # ADDED, MODIFIED, DELETED
    name: str
    resource_version: int
    ready: bool
    owner: str  # a pod's ReplicaSet


@dataclass
class Recorder:
    """Events of the pods and Secrets of a namespace, recorded while a command runs."""

    events: list[Event] = field(default_factory=list)

    def wait_for(self, condition: Any, what: str, timeout: float = 30.0) -> None:
        """Until the events seen so far satisfy `condition` (a watch delivers a little after the fact)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"the API server never showed {what} within {timeout:.0f} s")
            time.sleep(0.1)

    def first_ready(self, pod: str) -> int | None:
        return next((e.resource_version for e in self.events if e.kind == "Pod" and e.name == pod and e.ready), None)

    def deleted(self, secret: str) -> int | None:
        return next(
            (
                e.resource_version
                for e in self.events
                if e.kind == "Secret" and e.name == secret and e.type == "DELETED"
            ),
            None,
        )


@contextmanager
def recording(api: client.ApiClient, namespace: str) -> Iterator[Recorder]:
    """Watch pods and Secrets from the namespace's current resource version until the block ends.

    Resource versions order the events: on this plane they are the revisions of its one etcd, so a
    smaller one happened first whatever thread received it.
    """
    core = client.CoreV1Api(api)
    recorder = Recorder()
    stop = threading.Event()
    started = threading.Barrier(3)

    def follow(kind: str, lister: Any) -> None:
        since = lister(namespace).metadata.resource_version
        started.wait()
        w = watch.Watch()
        while not stop.is_set():
            for raw in w.stream(lister, namespace, resource_version=since, timeout_seconds=1):
                obj = raw["object"]
                since = obj.metadata.resource_version
                owners = obj.metadata.owner_references or []
                recorder.events.append(
                    Event(
                        kind=kind,
                        type=raw["type"],
                        name=obj.metadata.name,
                        resource_version=int(obj.metadata.resource_version),
                        ready=kind == "Pod" and pod_ready(obj),
                        owner=owners[0].name if owners else "",
                    )
                )

    threads = [
        threading.Thread(target=follow, args=("Pod", core.list_namespaced_pod), daemon=True),
        threading.Thread(target=follow, args=("Secret", core.list_namespaced_secret), daemon=True),
    ]
    for t in threads:
        t.start()
    started.wait()
    try:
        yield recorder
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=5)
