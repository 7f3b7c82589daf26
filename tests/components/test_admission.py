"""The app's ValidatingAdmissionPolicy: created by default with its binding, named per app and
namespace, switched off only with a reason (reported by `check`), and bad input refused in one line."""

from typing import Any

import pytest

from fluxlit_secrets.engine.check import evaluate, resources_of
from fluxlit_secrets.engine.mocks import unwrap
from fluxlit_secrets.errors import ConfigError
from tests.clouds.test_clouds import CLOUDS
from tests.conftest import base_config, parse_app, secret_values_only, synth_config

POLICY = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"
BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding"


def objects(config: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Any]:
    rec = synth_config(config)
    return (
        [unwrap(r.inputs) for r in rec.of_type(POLICY)],
        [unwrap(r.inputs) for r in rec.of_type(BINDING)],
        rec,
    )


def test_on_by_default_bound_to_deny_in_the_apps_namespaces() -> None:
    (policy,), (binding,), _ = objects(base_config())
    name = "fluxlit-secrets.admin-portal-dev.admin-portal"
    assert policy["metadata"]["name"] == binding["metadata"]["name"] == binding["spec"]["policyName"] == name
    assert policy["spec"]["failurePolicy"] == "Fail"
    assert binding["spec"]["validationActions"] == ["Deny"]
    (selector,) = binding["spec"]["matchResources"]["namespaceSelector"]["matchExpressions"]
    assert selector["values"] == ["admin-portal-dev", "admin-portal-dev-records"]
    rules = {v["message"].split(":", 1)[0] for v in policy["spec"]["validations"]}
    assert rules == {
        f"fluxlit-secrets {r}"
        for r in (
            "delivered-only-to-its-workload",
            "identity-only-its-deployment",
            "no-token-for-an-identity",
            "no-exec-into-gateway-material",
            "no-host-path",
            "records-run-nothing",
        )
    }
    # Identities by the ServiceAccounts the component created, never a label.
    text = str(policy["spec"])
    assert "'admin-portal-gateway'" in text or '"admin-portal-gateway"' in text
    assert "labels" not in text


def test_a_cloud_store_keeps_no_records_namespace_in_its_policy() -> None:
    config = base_config()
    config.update(store="aws", disposable=False, aws=CLOUDS["aws"])
    (policy,), (binding,), _ = objects(config)
    (selector,) = binding["spec"]["matchResources"]["namespaceSelector"]["matchExpressions"]
    assert selector["values"] == ["admin-portal-dev"]
    assert "records-run-nothing" not in str(policy["spec"]["validations"])


def test_switched_off_with_a_reason_check_reports_it() -> None:
    config = base_config()
    config["admission"] = {"enabled": False, "reason": "the cluster runs Kubernetes 1.29"}
    policies, bindings, rec = objects(config)
    assert policies == bindings == []
    found = [(v.rule, v.level, v.message) for v in evaluate(resources_of(rec)) if v.rule.startswith("admission")]
    assert [(r, lvl) for r, lvl, _ in found] == [("admission-policy-on", "advisory")]
    assert "the cluster runs Kubernetes 1.29" in found[0][2]


@pytest.mark.parametrize(
    ("admission", "words"),
    [
        ({"enabled": False}, "admission.reason: is missing"),
        ({"reason": "because"}, "admission.reason: is set, but the admission policy is on"),
        ({"enabled": "no", "reason": "x"}, "admission.enabled: must be true or false"),
        ({"enabled": False, "reason": ""}, "admission.reason:"),
        ({"enabld": False}, "admission.enabld"),
    ],
)
def test_bad_admission_settings_are_refused_in_one_line(admission: dict[str, Any], words: str) -> None:
    config = base_config()
    config["admission"] = admission
    with pytest.raises(ConfigError) as caught:
        parse_app(config, environment="t", secret_config=secret_values_only)
    assert words in str(caught.value) and "\n" not in str(caught.value)
