def test_pod_readers_take_proxies_as_crossguard_gives_them_and_skip_what_a_preview_does_not_know() -> None:
    """pulumi-policy hands rules proxies (mappings and sequences that are not dict or list); a preview
    of our own engine leaves `Unknown` where a value is not known yet."""
    from collections.abc import Mapping as AbcMapping
    from types import MappingProxyType

    from pulumi.output import Unknown

    from fluxlit_secrets.model.resources import Res, containers, pod_template

    container = MappingProxyType({"name": "c", "env": ({"name": "A", "value": "1"},)})
    spec = MappingProxyType({"containers": (container,), "initContainers": Unknown()})
    props: AbcMapping[str, object] = MappingProxyType(
        {"metadata": {"name": "d"}, "spec": MappingProxyType({"template": MappingProxyType({"spec": spec})})}
    )
    res = Res(type="kubernetes:apps/v1:Deployment", name="d", urn="u", props=props)
    template = pod_template(res)
    assert template is not None and [c["name"] for c in containers(template[1])] == ["c"]
    unknown = Res(type="kubernetes:apps/v1:Deployment", name="d", urn="u", props={"spec": {"template": Unknown()}})
    assert pod_template(unknown) == ({}, {})


def test_one_evaluation_builds_the_graph_once(monkeypatch) -> None:
    """`check` hands every rule one list: the index is built once per run, not once per rule."""
    from fluxlit_secrets.engine.check import evaluate
    from fluxlit_secrets.model.resources import Res
    from fluxlit_secrets.policy import graph as graph_module

    built = []
    original = graph_module.Graph.build.__func__

    def counting(cls, resources):
        built.append(len(resources))
        return original(cls, resources)

    monkeypatch.setattr(graph_module.Graph, "build", classmethod(counting))
    monkeypatch.setattr(graph_module, "_graph_of", graph_module.per_stack(graph_module.Graph.build))
    deployment = Res(
        type="kubernetes:apps/v1:Deployment",
        name="d",
        urn="urn:d",
        props={
            "metadata": {"namespace": "n"},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i:1"}]}}},
        },
    )
    resources = [deployment]
    evaluate(resources)
    assert built == [1]
    evaluate([deployment])  # another run, another list: built again
    assert built == [1, 1]
