"""One app on two clusters from one value of record: `values_from=` makes a component deliver another
component's values (one store entry, one generated value, one version history) on its own cluster,
so a rotation rolls the consumers on both clusters and nothing else."""

from pathlib import Path

import pytest

from fluxlit_secrets.cli import main
from fluxlit_secrets.engine.mocks import unwrap
from fluxlit_secrets.engine.run import run_stack
from tests.e2e.plans import parse_rotate
from tests.engine.test_like_pulumi import app_project

STACK_FILE = """\
config:
  fluxlit-secrets:app: ledger
  fluxlit-secrets:disposable: true
  fluxlit-secrets:deployments:
    image: ghcr.io/acme/ledger:1.0.0
  fluxlit-secrets:secrets:
    jwt:
      kind: jwt-hs256
      generation: 3
    reports-token:
      kind: opaque
      generation: 1
      consumers:
        streamlit:
          as: file
          name: REPORTS_TOKEN
"""
PROGRAM = """\
import pulumi
import pulumi_kubernetes as k8s
from fluxlit_secrets import SecretLifecycle, stack_args

args = stack_args()
east = k8s.Provider("east", context="ledger-east")
west = k8s.Provider("west", context="ledger-west")
home = SecretLifecycle("ledger-east", args, pulumi.ResourceOptions(provider=east))
SecretLifecycle("ledger-west", {replica}, pulumi.ResourceOptions(provider=west), values_from=home)
"""
AWS = """\
import pulumi
import pulumi_kubernetes as k8s
from fluxlit_secrets import SecretLifecycle

def settings(region):
    return {"region": "us-east-1", "identity": "pod-identity", "cluster_name": f"ledger-{region}",
            "account_id": "111122223333"}

east = k8s.Provider("east", context="ledger-east")
west = k8s.Provider("west", context="ledger-west")
home = SecretLifecycle("ledger-east", {"app": "ledger", "store": "aws", "aws": settings("east"),
    "secrets": {"jwt": {"kind": "jwt-hs256", "generation": 2}}, "deployments": {"image": "ghcr.io/acme/ledger:1"}},
    pulumi.ResourceOptions(provider=east))
SecretLifecycle("ledger-west", {"app": "ledger", "environment": "dev-west", "store": "aws", "aws": settings("west"),
    "deployments": {"image": "ghcr.io/acme/ledger:1"}}, pulumi.ResourceOptions(provider=west), values_from=home)
"""


def project(root: Path, replica: str = "args", program: str = PROGRAM) -> Path:
    app_project(root, program.replace("{replica}", replica))
    (root / "Pulumi.dev.yaml").write_text(STACK_FILE)
    return root


def test_one_value_of_record_is_delivered_on_both_clusters(tmp_path: Path) -> None:
    rec = run_stack(project(tmp_path), "dev")
    managed = sorted(r.name for r in rec.of_type("fluxlit-secrets:index:ManagedSecret"))
    assert managed == ["ledger-east-jwt", "ledger-east-reports-token"]
    generated = sorted(r.name for r in rec.of_type("random:index/randomPassword:RandomPassword"))
    assert all(name.startswith("ledger-east-") for name in generated)
    delivered: dict[str, object] = {}
    for r in rec.of_type("kubernetes:core/v1:Secret"):
        meta = r.inputs.get("metadata") or {}
        if str(meta.get("name", "")).startswith("ledger-gateway-"):
            cluster = r.options["provider"].rsplit("::", 1)[-1]
            delivered[cluster] = unwrap(r.inputs.get("stringData") or r.inputs.get("data"))
    assert set(delivered) == {"east", "west"} and delivered["east"] == delivered["west"]


def test_a_rotation_rolls_the_consumers_on_both_clusters_and_nothing_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    capsys.readouterr()
    assert main(["rotate", "--stack", "dev", "--project-dir", str(root), "--dry-run", "jwt"]) == 0
    out = capsys.readouterr().out
    printed = parse_rotate(out)
    assert printed.restart == {
        "ledger/ledger-gateway@east": "new versions: jwt",
        "ledger/ledger-gateway@west": "new versions: jwt",
    }
    assert sorted(printed.stay) == ["ledger/ledger-streamlit@east", "ledger/ledger-streamlit@west"]
    created = sorted(name for action, _, name in printed.changes if action == "create")
    assert created == ["ledger-east-jwt-g4", "ledger-east-jwt-v4"]


def test_ages_are_the_sources_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    capsys.readouterr()
    main(["check", "--stack", "dev", "--project-dir", str(root)])
    ages = [line for line in capsys.readouterr().out.splitlines() if "secret-age" in line]
    assert ages and all("ledger-east/" in line for line in ages)


@pytest.mark.parametrize(
    ("replica", "said"),
    [
        (
            '{"app": "billing", "disposable": True}',
            "app: is 'billing', but values_from SecretLifecycle \"ledger-east\"",
        ),
        (
            '{"app": "ledger", "disposable": True, "secrets": {"jwt": {"kind": "jwt-hs256"}}}',
            'secrets: differ from those of values_from SecretLifecycle "ledger-east"',
        ),
        (
            '{"app": "ledger", "store": "aws", "aws": {"region": "us-east-1", "identity": "pod-identity", '
            '"cluster_name": "west", "account_id": "111122223333"}}',
            "store: is 'aws', but values_from SecretLifecycle \"ledger-east\" has 'kubernetes'",
        ),
    ],
)
def test_a_replica_that_cannot_share_the_values_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], replica: str, said: str
) -> None:
    root = project(tmp_path, replica)
    capsys.readouterr()
    assert main(["synth", "--stack", "dev", "--project-dir", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.startswith('error: SecretLifecycle "ledger-west": ') and said in err and err.count("\n") == 1, err


def test_on_aws_each_cluster_has_its_identity_and_one_store_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rec = run_stack(app_project(tmp_path, AWS), "dev")
    assert [r.name for r in rec.of_type("aws:secretsmanager/secret:Secret")] == ["ledger-east-jwt"]
    clusters = sorted(
        r.inputs["clusterName"] for r in rec.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    )
    assert clusters == ["ledger-east", "ledger-west"]
    capsys.readouterr()
    assert main(["check", "--stack", "dev", "--project-dir", str(tmp_path)]) == 0, capsys.readouterr().out


REPLICA_ON_EACH_CLOUD = """\
import pulumi
import pulumi_kubernetes as k8s
from fluxlit_secrets import SecretLifecycle, stack_args

shared = stack_args()
east, west = k8s.Provider("east", context="e"), k8s.Provider("west", context="w")
home = SecretLifecycle("ledger-east", shared, pulumi.ResourceOptions(provider=east))
SecretLifecycle("ledger-west", {"app": "ledger", "environment": "dev-west", "store": shared.model.store,
    shared.model.store: shared.cloud, "deployments": {"image": "ghcr.io/acme/ledger:1"}},
    pulumi.ResourceOptions(provider=west), values_from=home)
"""


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_every_cloud_store_serves_a_second_cluster_from_one_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cloud: str
) -> None:
    from tests.engine.test_cloud_collisions import block

    root = app_project(tmp_path, REPLICA_ON_EACH_CLOUD)
    deployments = "  fluxlit-secrets:deployments:\n    image: ghcr.io/acme/ledger:1\n"
    (root / "Pulumi.dev.yaml").write_text(
        block(cloud).replace("  fluxlit-secrets:secrets:", deployments + "  fluxlit-secrets:secrets:")
    )
    capsys.readouterr()
    assert main(["check", "--stack", "dev", "--project-dir", str(root)]) == 0, capsys.readouterr()
    assert main(["rotate", "--stack", "dev", "--project-dir", str(root), "--dry-run", "jwt"]) == 0
    printed = parse_rotate(capsys.readouterr().out)
    assert set(printed.restart) == {"ledger/ledger-gateway@east", "ledger/ledger-gateway@west"}
    created = [name for action, _, name in printed.changes if action == "create"]
    assert created and all(name.startswith("ledger-east-") for name in created), created
