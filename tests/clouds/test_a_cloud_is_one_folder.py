"""A cloud is one folder: a cloud written in a temporary folder, registered with one line, gets its
settings parsed, its store and identity built, its fakes answered by the offline engine, and its
policy obeyed by the rules, with no other file of the package changed."""

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from fluxlit_secrets.clouds import CLOUD_MODELS, CLOUDS, identity_of, register, store_of
from fluxlit_secrets.engine.check import evaluate, resources_of
from fluxlit_secrets.model.resources import Res
from fluxlit_secrets.policy.cloud_reads import cloud_reads
from fluxlit_secrets.policy.grants import secret_containers_protected
from tests.conftest import base_config, synth_config

FILES = {
    "__init__.py": '''
        """Acme Vault: a cloud that lives outside the package."""
        from dataclasses import dataclass

        from fluxlit_secrets.clouds.descriptor import Cloud
        from fluxlit_secrets.model.app import CloudSettings
        from fluxlit_secrets.model.cloud import CloudModel

        from acme_cloud.policy import POLICY


        @dataclass(frozen=True, kw_only=True)
        class AcmeSettings(CloudSettings):
            region: str


        def parse(node, disposable):
            node = node.mapping("{region: north}")
            node.known(("region",))
            return AcmeSettings(region=node.field("region", "north").value)


        CLOUD = Cloud(
            name="acme",
            model=CloudModel(fields=("region",), parse=parse, check_names=lambda model, node: None),
            store="acme_cloud.store:AcmeStore",
            identity="acme_cloud.identity:AcmeIdentity",
            fakes="acme_cloud.fakes",
            policy=POLICY,
        )
    ''',
    "store.py": """
        import pulumi

        from fluxlit_secrets.clouds.versions import VersionedStore, Written, base_name, child_options, secret_tags


        class AcmeStore(VersionedStore):
            def container(self, request, parent):
                base = base_name(request)
                secret = pulumi.CustomResource(
                    "acme:vault/secret:Secret",
                    base,
                    {"name": f"{request.app}-{request.store_name}", "tags": secret_tags(request)},
                    opts=child_options(request, base, parent, protect=not request.disposable),
                )
                return secret.id, secret.id

            def version(self, request, handle, slot, parent):
                version = pulumi.CustomResource(
                    "acme:vault/version:Version",
                    slot.logical,
                    {"secret": handle, "value": slot.source.value, "version": None},
                    opts=child_options(request, slot.logical, parent, depends_on=slot.after),
                )
                return Written(version.id, version.id, version)
    """,
    "identity.py": """
        import pulumi

        from fluxlit_secrets.clouds.base import Binding, CloudIdentity, subject


        class AcmeIdentity(CloudIdentity):
            def bind(self, request, parent):
                who = subject(request.namespace, request.service_account)
                for secret, ref in sorted(request.secret_refs.items()):
                    pulumi.CustomResource(
                        "acme:iam/grant:Grant",
                        f"{request.base}-reads-{secret}",
                        {"secret": ref, "subject": who},
                        opts=pulumi.ResourceOptions(parent=parent),
                    )
                return Binding(identity=pulumi.Output.from_input(who))
    """,
    "fakes.py": """
        from fluxlit_secrets.clouds.fakes import chars


        def context(values):
            return {}


        FAKES = {
            "acme:vault/secret:Secret": lambda ctx, logical, inputs, seed: (f"acme/{inputs['name']}", {}),
            "acme:vault/version:Version": lambda ctx, logical, inputs, seed: ("v-" + chars(seed, 8), {}),
            "acme:iam/grant:Grant": lambda ctx, logical, inputs, seed: ("grant-" + chars(seed, 8), {}),
        }
        FORCE_NEW = {"acme:vault/secret:Secret": ("name",)}
    """,
    "policy.py": """
        from fluxlit_secrets.clouds.policy import SUBJECT, CloudPolicy, CloudRead, ksa_of


        def reads(resources):
            secrets = {r.props.get("id") or f"acme/{r.props.get('name')}": r for r in resources
                       if r.type == "acme:vault/secret:Secret"}
            for grant in (r for r in resources if r.type == "acme:iam/grant:Grant"):
                ksa = ksa_of(SUBJECT, str(grant.props.get("subject")))
                secret = secrets.get(str(grant.props.get("secret")))
                if ksa and secret is not None:
                    yield CloudRead(
                        ksa=ksa, secret=secret, identity="an acme grant", principal=str(grant.props.get("subject"))
                    )


        POLICY = CloudPolicy(
            containers=("acme:vault/secret:Secret",),
            reads=reads,
            secret_fields={"acme:vault/version:Version": ("value",)},
        )
    """,
}


@pytest.fixture
def acme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    folder = tmp_path / "acme_cloud"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import acme_cloud

    before = dict(CLOUDS), dict(CLOUD_MODELS)
    try:
        register(acme_cloud.CLOUD)  # the one registry line
        yield "acme"
    finally:
        CLOUDS.clear()
        CLOUDS.update(before[0])
        CLOUD_MODELS.clear()
        CLOUD_MODELS.update(before[1])
        for module in [m for m in sys.modules if m.startswith("acme_cloud")]:
            del sys.modules[module]


def acme_stack(*, disposable: bool = False) -> list[Res]:
    config = base_config()
    config.update(store="acme", acme={"region": "south"}, disposable=disposable)
    return resources_of(synth_config(config))


def test_the_store_and_identity_come_from_the_folder(acme: str) -> None:
    assert type(store_of(acme)).__name__ == "AcmeStore"
    assert type(identity_of(acme)).__name__ == "AcmeIdentity"


def test_the_offline_engine_answers_with_the_folders_fakes(acme: str) -> None:
    resources = acme_stack()
    secrets = [r for r in resources if r.type == "acme:vault/secret:Secret"]
    assert {r.props["name"] for r in secrets} == {
        "admin-portal-jwt",
        "admin-portal-bff",
        "admin-portal-oidc",
        "admin-portal-reports-token",
    }
    versions = [r for r in resources if r.type == "acme:vault/version:Version"]
    assert versions and all(r.props["secret"].startswith("acme/admin-portal-") for r in versions)


def test_the_rules_follow_the_folders_policy(acme: str) -> None:
    resources = acme_stack()
    reads = {(r.ksa[1], r.secret.props["name"]) for r in cloud_reads(resources)}
    assert ("admin-portal-gateway", "admin-portal-jwt") in reads
    assert not any(sa.endswith("streamlit") and name.endswith(("jwt", "bff", "oidc")) for sa, name in reads)
    assert not [v for v in evaluate(resources) if v.level == "mandatory"]
    naked = Res(type="acme:vault/secret:Secret", name="naked", urn="urn:naked", props={"name": "x"})
    assert list(secret_containers_protected(naked))


def test_without_the_registry_line_nothing_knows_the_cloud() -> None:
    naked = Res(type="acme:vault/secret:Secret", name="naked", urn="urn:naked", props={"name": "x"})
    assert "acme" not in CLOUDS and not list(secret_containers_protected(naked))
