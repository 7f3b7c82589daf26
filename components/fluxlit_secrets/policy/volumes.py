"""Rules over volumes that reach past a pod's own Secrets (pure): a hostPath (or a PersistentVolume
on a node's disk) reaches kubelet's files, where every Secret mounted on that node sits; a claim
the gateway's pods share with other pods carries whatever the gateway writes into it."""

from collections.abc import Iterator

from fluxlit_secrets.model.resources import Res, items, mapping
from fluxlit_secrets.policy.graph import Graph


def no_host_files(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """No hostPath volume in any pod, and no PersistentVolume of a node's files (hostPath, local)."""
    for pod in Graph.of(resources).pods():
        for volume in items(pod.spec.get("volumes")):
            if "hostPath" in mapping(volume):
                yield (
                    pod.res,
                    f"volume {mapping(volume).get('name')!r} is a hostPath: it reaches the node's files, every Secret "
                    "kubelet mounted there included; use a Secret, ConfigMap or emptyDir volume",
                )
    for r in resources:
        if r.kind == "PersistentVolume":
            spec = mapping(r.props.get("spec"))
            for kind in ("hostPath", "local"):
                if kind in spec:
                    yield (
                        r,
                        f"a {kind} PersistentVolume: a claim bound to it reaches the node's files, every Secret "
                        "mounted there included; use a network or CSI volume",
                    )


def no_claim_shared_with_the_gateway(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """A PersistentVolumeClaim the gateway's pods mount is mounted by no other pod."""
    gateway: set[tuple[str, str]] = set()
    others: list[tuple[Res, tuple[str, str]]] = []
    for pod in Graph.of(resources).pods():
        for volume in items(pod.spec.get("volumes")):
            claim = str(mapping(mapping(volume).get("persistentVolumeClaim")).get("claimName") or "")
            if not claim:
                continue
            if pod.is_gateway():
                gateway.add((pod.namespace, claim))
            else:
                others.append((pod.res, (pod.namespace, claim)))
    for res, key in others:
        if key in gateway:
            yield (
                res,
                f"mounts PersistentVolumeClaim {key[1]!r}, which the gateway's pods mount too: gateway-only material "
                "can be copied through it; give the gateway a claim of its own",
            )
