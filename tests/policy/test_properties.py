"""Property: whatever stack config a user writes, either the program refuses it or no gateway-only
value is readable by a pod that is not the gateway's in the rendered graph."""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fluxlit_secrets.engine import ProviderMocks
from fluxlit_secrets.engine.check import evaluate, resources_of
from fluxlit_secrets.engine.mocks import unwrap
from fluxlit_secrets.engine.project import _as_config_string, load_project
from fluxlit_secrets.engine.run import ProgramError, run_program
from fluxlit_secrets.errors import ConfigError
from fluxlit_secrets.policy.graph import Graph, is_gateway_material
from tests.conftest import ROOT

NAMES = st.sampled_from(
    [
        "TOKEN",
        "token",
        "API_KEY",
        "DB_URL",
        "REPORTS",
        "X1",
        "FLUXLIT_JWT_HS256_SECRET",
        "fluxlit_jwt_hs256_secret",
        "Fluxlit_Oidc_Bff_Secret",
        "OIDC_CLIENT_SECRET",
        "oidc_client_secret",
        "FLUXLIT_APP",
    ]
)
CONSUMER = st.fixed_dictionaries({"as": st.sampled_from(["file", "env"]), "name": NAMES})
CONSUMERS = st.dictionaries(st.sampled_from(["gateway", "streamlit"]), CONSUMER, min_size=1)
SECRET = st.one_of(
    st.fixed_dictionaries(
        {"kind": st.just("opaque"), "consumers": CONSUMERS}, optional={"generation": st.integers(1, 3)}
    ),
    st.fixed_dictionaries(
        {"kind": st.sampled_from(["jwt-hs256", "oidc-bff"])},
        optional={"generation": st.integers(1, 3), "consumers": CONSUMERS},
    ),
)
SECRETS = st.dictionaries(st.sampled_from(["a", "b", "jwt", "bff", "tok"]), SECRET, min_size=1, max_size=3)


def synth(secrets: dict[str, Any]) -> tuple[Any, ProviderMocks] | None:
    config = {"app": "shop", "namespace": "shop", "disposable": True, "secrets": secrets}
    config["deployments"] = {"image": "ghcr.io/acme/shop:1.0.0"}
    values = {f"fluxlit-secrets:{k}": _as_config_string(v) for k, v in config.items()}
    mocks = ProviderMocks()
    try:
        return run_program(load_project(ROOT), "prop", values, secret_keys=[], mocks=mocks), mocks
    except (ConfigError, ProgramError):
        return None  # refused in one line: nothing was rendered


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SECRETS)
def test_no_gateway_only_value_is_readable_outside_the_gateway(secrets: dict[str, Any]) -> None:
    result = synth(secrets)
    if result is None:
        return
    rec, mocks = result
    resources = resources_of(rec)
    assert not [v for v in evaluate(resources) if v.rule == "streamlit-no-gateway-secrets"]
    gateway_only = {
        value
        for logical, value in mocks.handed_out.items()
        if any(logical.startswith(f"shop-{n}-g") for n, s in secrets.items() if s["kind"] != "opaque")
    }
    graph = Graph.of(resources)
    for pod in graph.pods():
        if pod.is_gateway():
            continue
        for read in pod.reads():
            secret = graph.secrets.get((read.namespace, read.secret))
            data = unwrap(secret.props.get("stringData") or {}) if secret else {}
            readable = data.values() if read.key == "*" else [data.get(read.key)]
            assert not gateway_only & {str(v) for v in readable if v}, (read, secrets)
            assert not is_gateway_material(graph, read), (read, secrets)
