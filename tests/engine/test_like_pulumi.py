"""The offline engine refuses and shows what `pulumi up` / `pulumi preview` would: URNs with their
parent type chain, duplicate URNs, typed project config, previews with unknowns, stack outputs."""

import json
import shutil
from pathlib import Path

import pytest
import yaml

from fluxlit_secrets.cli import main
from fluxlit_secrets.engine.mocks import unwrap
from fluxlit_secrets.engine.render import is_unknown
from fluxlit_secrets.engine.run import run_stack
from tests.conftest import ROOT, copy_project

TWO_CLUSTERS = """\
import pulumi
import pulumi_kubernetes as k8s
from fluxlit_secrets import SecretLifecycle

for region in ("east", "west"):
    cluster = k8s.Provider(f"{region}-cluster", context=f"ledger-{region}")
    SecretLifecycle(
        f"ledger-{region}",
        {
            "app": "ledger",
            "secrets": {
                "jwt": {"kind": "jwt-hs256", "generation": 3},
                "bff": {"kind": "oidc-bff"},
            },
            "deployments": {"image": "ghcr.io/acme/ledger:1.0.0"},
        },
        pulumi.ResourceOptions(provider=cluster),
    )
"""


def app_project(tmp_path: Path, program: str, config: str = "") -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: ledger-app\nruntime: python\n", encoding="utf-8")
    (tmp_path / "__main__.py").write_text(program, encoding="utf-8")
    (tmp_path / "Pulumi.dev.yaml").write_text(f"config: {{{config}}}\n", encoding="utf-8")
    return tmp_path


def test_one_app_on_two_clusters_registers_distinct_urns(tmp_path: Path) -> None:
    rec = run_stack(app_project(tmp_path, TWO_CLUSTERS), "dev")
    urns = [r.urn for r in rec.registrations]
    assert len(urns) == len(set(urns))
    passwords = sorted(r.name for r in rec.of_type("random:index/randomPassword:RandomPassword"))
    assert "ledger-east-jwt-g3" in passwords and "ledger-west-jwt-g3" in passwords
    # No alias that no former name needs: one from the app field would claim the other cluster's state.
    # Retiring versions keep theirs: the same name, moved from the secret to its RetiringVersion.
    aliased = {r.name: r.options["aliases"] for r in rec.registrations if r.options["aliases"]}
    assert aliased and all("-retiring-" in name for name in aliased)
    for name, (alias,) in aliased.items():
        own = name.replace("-retiring", "")
        assert alias.startswith(f"{own} parent:") and alias.endswith(f"ManagedSecret::{own.rsplit('-', 1)[0]}")
    roles = {r.name for r in rec.registrations if r.name.endswith("-sa")}
    assert {"ledger-east-gateway-sa", "ledger-west-gateway-sa"} <= roles


def test_urns_carry_the_whole_parent_type_chain(tmp_path: Path) -> None:
    rec = run_stack(app_project(tmp_path, TWO_CLUSTERS), "dev")
    (password,) = [r for r in rec.registrations if r.name == "ledger-east-jwt-g3"]
    assert password.urn == (
        "urn:pulumi:dev::ledger-app::fluxlit-secrets:index:SecretLifecycle$fluxlit-secrets:index:ManagedSecret"
        "$random:index/randomPassword:RandomPassword::ledger-east-jwt-g3"
    )
    assert password.parent.endswith("fluxlit-secrets:index:ManagedSecret::ledger-east-jwt")


@pytest.mark.parametrize(
    "program",
    [
        TWO_CLUSTERS.replace('f"ledger-{region}"', '"ledger"'),
        "import pulumi_random as r\nr.RandomId('x', byte_length=4)\nr.RandomId('x', byte_length=8)\n",
    ],
    ids=["two-components-one-name", "one-resource-twice"],
)
def test_a_duplicate_urn_is_refused_in_one_line(tmp_path: Path, capsys, program: str) -> None:
    project = app_project(tmp_path, program)
    assert main(["synth", "--stack", "dev", "--project-dir", str(project), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: duplicate URN urn:pulumi:dev::ledger-app::") and err.count("\n") == 1


def test_a_required_typed_key_is_enforced_like_the_cli(project: Path, capsys) -> None:
    stack = project / "stacks" / "Pulumi.dev.yaml"
    stack.write_text("\n".join(ln for ln in stack.read_text().splitlines() if "fluxlit-secrets:app:" not in ln) + "\n")
    assert main(["synth", "--stack", "dev", "--project-dir", str(project)]) == 2
    assert "Stack 'dev' is missing configuration value 'fluxlit-secrets:app'" in capsys.readouterr().err


def test_a_typed_key_of_the_wrong_type_is_refused(project: Path, capsys) -> None:
    stack = project / "stacks" / "Pulumi.dev.yaml"
    stack.write_text(stack.read_text().replace("fluxlit-secrets:disposable: true", 'fluxlit-secrets:disposable: "yes"'))
    assert main(["synth", "--stack", "dev", "--project-dir", str(project)]) == 2
    assert "with configuration key 'fluxlit-secrets:disposable' must be of type 'boolean'" in capsys.readouterr().err


def test_every_key_the_readme_calls_optional_has_a_default() -> None:
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    required = [k for k, d in declared.items() if isinstance(d, dict) and "type" in d and "default" not in d]
    assert required == ["fluxlit-secrets:app"]


def test_a_stack_without_a_namespace_defaults_it_to_the_app(project: Path) -> None:
    stack = project / "stacks" / "Pulumi.dev.yaml"
    stack.write_text(
        "\n".join(ln for ln in stack.read_text().splitlines() if "fluxlit-secrets:namespace:" not in ln) + "\n"
    )
    rec = run_stack(project, "dev")
    names = {unwrap(ns.inputs)["metadata"]["name"] for ns in rec.of_type("kubernetes:core/v1:Namespace")}
    assert names == {"admin-portal", "admin-portal-records"}


def test_aws_resources_land_in_the_configured_region_whatever_the_provider_default(project: Path) -> None:
    stack = project / "stacks" / "Pulumi.staging-aws.yaml"
    text = stack.read_text()
    assert "aws:region: us-east-1" in text
    stack.write_text(text.replace("aws:region: us-east-1", "aws:region: eu-west-1"))
    rec = run_stack(project, "staging-aws")
    secrets = rec.of_type("aws:secretsmanager/secret:Secret")
    region = json.loads(rec.config.values["fluxlit-secrets:aws"])["region"]
    assert region != "eu-west-1"
    for r in secrets + rec.of_type("aws:secretsmanager/secretVersion:SecretVersion"):
        assert unwrap(r.inputs)["region"] == region
    assert all(f":secretsmanager:{region}:" in str(r.outputs["arn"]) for r in secrets)


def test_outputs_json_holds_the_stack_outputs_with_secrets_masked(tmp_path: Path) -> None:
    program = TWO_CLUSTERS + "pulumi.export('token', pulumi.Output.secret('s3cr3t-value'))\npulumi.export('n', 3)\n"
    project = app_project(tmp_path, program.replace('for region in ("east", "west")', 'for region in ("east",)'))
    assert main(["synth", "--stack", "dev", "--project-dir", str(project), "--out", str(tmp_path / "o")]) == 0
    outputs = json.loads((tmp_path / "o" / "outputs.json").read_text())
    assert outputs == {"n": 3, "token": "[secret]"}
    dev = tmp_path / "dev-out"
    assert main(["synth", "--stack", "dev", "--out", str(dev)]) == 0
    stack_outputs = json.loads((dev / "outputs.json").read_text())
    assert set(stack_outputs) == {"namespace", "versions", "secretNames", "restartTriggers", "podFragments"}
    assert stack_outputs["versions"]["jwt"] == "1"


@pytest.mark.parametrize("stack", ["dev", "staging-aws", "prod-gcp", "prod-azure"])
def test_a_rotation_preview_shows_the_deployment_except_what_really_is_unknown(tmp_path: Path, stack: str) -> None:
    project = copy_project(tmp_path)
    path = project / "stacks" / f"Pulumi.{stack}.yaml"
    path.write_text(path.read_text().replace("generation: 1", "generation: 2"))
    out = tmp_path / "preview"
    assert main(["synth", "--stack", stack, "--project-dir", str(project), "--out", str(out), "--preview"]) == 0
    objects = list(yaml.safe_load_all((out / "manifests.yaml").read_text()))
    gateway = next(o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"].endswith("gateway"))
    pod = gateway["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert "[unknown]" not in json.dumps([container["image"], container["command"], container["ports"]])
    assert {m["mountPath"] for m in container["volumeMounts"]} >= {"/tmp", "/var/run/secrets/fluxlit"}
    secret_volume = next(v for v in pod["volumes"] if "secret" in v)
    assert secret_volume["secret"]["defaultMode"] == 0o400 and secret_volume["secret"]["items"]
    assert pod["serviceAccountName"] == "admin-portal-gateway"
    resources = (out / "resources.json").read_text()
    assert '"[unknown]"' in resources  # generated values, ids and (on clouds) version ids
    if stack != "dev":
        assert secret_volume["secret"]["secretName"] == "[unknown]"  # named from cloud version ids
    assert "[unknown]" in (out / "report.md").read_text() or stack == "dev"


def test_aws_preview_leaves_no_stale_known_values_for_computed_outputs(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    rec = run_stack(project, "staging-aws", preview=True)
    (secret,) = [r for r in rec.of_type("aws:secretsmanager/secret:Secret") if r.name == "admin-portal-jwt"]
    versions = rec.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert versions and all(is_unknown(v.inputs["secretId"]) for v in versions)
    assert secret.id == ""


def test_the_example_app_stack_synths_with_its_own_config(tmp_path: Path) -> None:
    dest = tmp_path / "app"
    shutil.copytree(ROOT / "examples" / "app-stack", dest)
    stacks = sorted(p.name for p in (dest / "stacks").glob("Pulumi.*.yaml")) or sorted(
        p.name for p in dest.glob("Pulumi.*.yaml")
    )
    stack = stacks[0][len("Pulumi.") : -len(".yaml")]
    assert main(["synth", "--stack", stack, "--project-dir", str(dest), "--out", str(tmp_path / "o")]) == 0


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            "  level: {type: integer, default: 2, value: 3}",
            "project config 'level' cannot have both a 'default' and 'value'",
        ),
        (
            "  level: {type: integer, default: high}",
            "default value specified for configuration key 'level' is not of the expected type 'integer'",
        ),
        ("  aws:region: {}", "configuration key 'aws:region' is namespaced and must provide an attribute 'value'"),
    ],
    ids=["default-and-value", "default-of-another-type", "foreign-key-without-value"],
)
def test_a_project_config_block_is_refused_as_the_cli_refuses_it(
    tmp_path: Path, capsys, block: str, message: str
) -> None:
    project = app_project(tmp_path, "import pulumi\n")
    (project / "Pulumi.yaml").write_text(f"name: ledger-app\nruntime: python\nconfig:\n{block}\n", encoding="utf-8")
    assert main(["synth", "--stack", "dev", "--project-dir", str(project)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
