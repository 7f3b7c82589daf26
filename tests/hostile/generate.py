"""Regenerate the hostile-input corpus (python tests/hostile/generate.py).

One stack file per case, whose first line names the key its error must name.
"""

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent
SECRET = "HOSTILE-Secret-Value-9f2Kq7Lm3Xz8Wv4Tb6"  # must never be echoed
SALT = "encryptionsalt: v1:7Z+ekOjvQrI=:v1:O2L2B+PzjwrxR5Og:mBG4c+/XiNqzOrt06mRPRU3l8tPDRQ=="
OIDC = (
    "  fluxlit-secrets:oidcClientSecret:\n"
    "    secure: v1:G4docbAfMqefK+L2:84NW83q4rYuL23lAc+QAXYGqGu/BMo1+Rup0m4nGJ6H3rO7N387B4CE2LlTbzdLc\n"
)


def j(v):  # YAML flow / JSON scalar
    return json.dumps(v, ensure_ascii=False)


BASE_SECRETS = {
    "jwt": {"kind": "jwt-hs256"},
    "bff": {"kind": "oidc-bff"},
    "oidc": {"kind": "oidc-client", "configKey": "oidcClientSecret"},
}


def stack(top=None, secrets=None, extra="", oidc=True, raw=None):
    if raw is not None:
        return raw
    top = {"app": "admin-portal", "namespace": "admin-portal", **(top or {})}
    secrets = BASE_SECRETS if secrets is None else secrets
    lines = [SALT, "config:"]
    for k, v in top.items():
        if v is not DROP:
            lines.append(f"  fluxlit-secrets:{k}: {j(v)}")
    if secrets is not DROP:
        lines.append(f"  fluxlit-secrets:secrets: {j(secrets)}")
    text = "\n".join(lines) + "\n" + (OIDC if oidc else "") + extra
    return text


DROP = object()


def sec(**entries):
    return {**BASE_SECRETS, **entries}


AWS = {
    "region": "us-east-1",
    "oidcProviderArn": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/AB",
}
GCP = {"project": "acme-prod-271828", "projectNumber": "314159265358"}
AZ = {
    "resourceGroup": "rg",
    "location": "westeurope",
    "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "oidcIssuerUrl": "https://westeurope.oic.prod-aks.azure.com/t/c/",
    "vaultName": "kv-portal",
}

CASES = {
    # names: Kubernetes limits
    "app-empty": (stack({"app": ""}), "fluxlit-secrets:app"),
    "app-41-chars": (stack({"app": "a" * 41}), "fluxlit-secrets:app"),
    "app-40-chars-ns-64": (stack({"app": "a" * 40, "namespace": "n" * 64}), "fluxlit-secrets:namespace"),
    "app-uppercase": (stack({"app": "AdminPortal"}), "fluxlit-secrets:app"),
    "app-underscore": (stack({"app": "admin_portal"}), "fluxlit-secrets:app"),
    "app-trailing-dash": (stack({"app": "admin-"}), "fluxlit-secrets:app"),
    "app-unicode": (stack({"app": "admin-pörtal"}), "fluxlit-secrets:app"),
    "app-emoji": (stack({"app": "🔑-portal"}), "fluxlit-secrets:app"),
    "app-control-char": (stack({"app": "admin\u0007portal"}), "fluxlit-secrets:app"),
    "app-newline": (stack({"app": "admin\nportal"}), "fluxlit-secrets:app"),
    "app-rtl-override": (stack({"app": "admin\u202eportal"}), "fluxlit-secrets:app"),
    "app-is-a-secret": (stack({"app": SECRET}), "fluxlit-secrets:app"),
    "app-missing": (stack({"app": DROP}), "fluxlit-secrets:app"),
    "namespace-default": (stack({"namespace": "default"}), "fluxlit-secrets:namespace"),
    "namespace-kube-system": (stack({"namespace": "kube-system"}), "fluxlit-secrets:namespace"),
    "namespace-dots": (stack({"namespace": "admin.portal"}), "fluxlit-secrets:namespace"),
    "topology-case": (stack({"topology": "Split"}), "fluxlit-secrets:topology"),
    "topology-list": (stack({"topology": ["split"]}), "fluxlit-secrets:topology"),
    "store-unknown": (stack({"store": "vault"}), "fluxlit-secrets:store"),
    "store-case": (stack({"store": "AWS"}), "fluxlit-secrets:store"),
    "disposable-string": (stack({"disposable": "yes"}), "fluxlit-secrets:disposable"),
    "disposable-number": (stack({"disposable": 1}), "fluxlit-secrets:disposable"),
    "unknown-top-key": (stack({"secretz": {}}), "fluxlit-secrets:secretz"),
    # secrets: type confusion
    "secrets-list": (stack(secrets=["jwt"]), "fluxlit-secrets:secrets"),
    "secrets-string": (stack(secrets="jwt"), "fluxlit-secrets:secrets"),
    "secret-entry-string": (stack(secrets=sec(jwt="jwt-hs256")), "secrets.jwt"),
    "secret-name-uppercase": (stack(secrets=sec(JWT2={"kind": "jwt-hs256"})), "secrets.JWT2"),
    "secret-name-64": (
        stack(secrets=sec(**{"s" * 64: {"kind": "opaque", "consumers": {"gateway": {"name": "X"}}}})),
        "secrets." + "s" * 64,
    ),
    "secret-name-tab": (stack(secrets=sec(**{"jwt\tx": {"kind": "opaque"}})), "fluxlit-secrets:secrets"),
    "kind-missing": (stack(secrets=sec(x={"source": "generated"})), "secrets.x.kind"),
    "kind-unknown": (stack(secrets=sec(x={"kind": "jwt-rs256"})), "secrets.x.kind"),
    "kind-number": (stack(secrets=sec(x={"kind": 7})), "secrets.x.kind"),
    "source-unknown": (
        stack(secrets=sec(x={"kind": "opaque", "source": "vault", "consumers": {"gateway": {"name": "X"}}})),
        "secrets.x.source",
    ),
    "generation-zero": (stack(secrets=sec(jwt={"kind": "jwt-hs256", "generation": 0})), "secrets.jwt.generation"),
    "generation-negative": (stack(secrets=sec(jwt={"kind": "jwt-hs256", "generation": -1})), "secrets.jwt.generation"),
    "generation-float": (stack(secrets=sec(jwt={"kind": "jwt-hs256", "generation": 1.5})), "secrets.jwt.generation"),
    "generation-string": (stack(secrets=sec(jwt={"kind": "jwt-hs256", "generation": "2"})), "secrets.jwt.generation"),
    "generation-bool": (stack(secrets=sec(jwt={"kind": "jwt-hs256", "generation": True})), "secrets.jwt.generation"),
    "generation-huge": (stack(secrets=sec(jwt={"kind": "jwt-hs256", "generation": 10**30})), "secrets.jwt.generation"),
    "generation-list": (stack(secrets=sec(jwt={"kind": "jwt-hs256", "generation": [1]})), "secrets.jwt.generation"),
    "length-short": (stack(secrets=sec(jwt={"kind": "jwt-hs256", "length": 8})), "secrets.jwt.length"),
    "length-huge": (stack(secrets=sec(jwt={"kind": "jwt-hs256", "length": 100000})), "secrets.jwt.length"),
    "length-on-config": (
        stack(secrets=sec(oidc={"kind": "oidc-client", "configKey": "oidcClientSecret", "length": 64})),
        "secrets.oidc.length",
    ),
    "typo-in-secret-key": (stack(secrets=sec(jwt={"kind": "jwt-hs256", "generaton": 2})), "secrets.jwt.generaton"),
    # config-sourced values
    "config-key-missing-value": (
        stack(secrets=sec(oidc={"kind": "oidc-client", "configKey": "nope"})),
        "fluxlit-secrets:nope",
    ),
    "config-key-absent": (stack(secrets=sec(oidc={"kind": "oidc-client"})), "secrets.oidc.configKey"),
    "config-key-bad-name": (
        stack(secrets=sec(oidc={"kind": "oidc-client", "configKey": "oidc client"})),
        "secrets.oidc.configKey",
    ),
    "config-value-plaintext": (
        stack(oidc=False, extra=f"  fluxlit-secrets:oidcClientSecret: {SECRET}\n"),
        "fluxlit-secrets:oidcClientSecret",
    ),
    "config-value-plaintext-number": (
        stack(oidc=False, extra="  fluxlit-secrets:oidcClientSecret: 12345678901234\n"),
        "fluxlit-secrets:oidcClientSecret",
    ),
    "config-key-on-generated": (
        stack(secrets=sec(jwt={"kind": "jwt-hs256", "configKey": "oidcClientSecret"})),
        "secrets.jwt.configKey",
    ),
    # consumers
    "opaque-no-consumers": (stack(secrets=sec(x={"kind": "opaque"})), "secrets.x.consumers"),
    "consumers-empty": (stack(secrets=sec(x={"kind": "opaque", "consumers": {}})), "secrets.x.consumers"),
    "consumers-list": (stack(secrets=sec(x={"kind": "opaque", "consumers": ["gateway"]})), "secrets.x.consumers"),
    "consumer-unknown-workload": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"worker": {"name": "X"}}})),
        "consumers.worker",
    ),
    "jwt-to-streamlit": (
        stack(secrets=sec(jwt={"kind": "jwt-hs256", "consumers": {"streamlit": {}}})),
        "secrets.jwt.consumers.streamlit",
    ),
    "bff-to-streamlit": (
        stack(secrets=sec(bff={"kind": "oidc-bff", "consumers": {"streamlit": {"as": "env"}}})),
        "secrets.bff.consumers.streamlit",
    ),
    "oidc-to-streamlit": (
        stack(
            secrets=sec(
                oidc={
                    "kind": "oidc-client",
                    "configKey": "oidcClientSecret",
                    "consumers": {"gateway": {}, "streamlit": {}},
                }
            )
        ),
        "secrets.oidc.consumers.streamlit",
    ),
    "as-unknown": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"gateway": {"as": "volume", "name": "X"}}})),
        "consumers.gateway.as",
    ),
    "env-name-digit": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"gateway": {"as": "env", "name": "1X"}}})),
        "consumers.gateway.name",
    ),
    "env-name-dash": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"gateway": {"as": "env", "name": "A-B"}}})),
        "consumers.gateway.name",
    ),
    "env-name-space": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"gateway": {"as": "env", "name": "A B"}}})),
        "consumers.gateway.name",
    ),
    "env-name-unicode": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"gateway": {"as": "env", "name": "TÖKEN"}}})),
        "consumers.gateway.name",
    ),
    "env-name-256": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"gateway": {"as": "env", "name": "A" * 256}}})),
        "consumers.gateway.name",
    ),
    "file-name-slash": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"gateway": {"name": "etc/passwd"}}})),
        "consumers.gateway.name",
    ),
    "file-name-dotdot": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"gateway": {"name": "..data"}}})),
        "consumers.gateway.name",
    ),
    "file-name-dot": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"gateway": {"name": "."}}})),
        "consumers.gateway.name",
    ),
    "file-name-254": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"gateway": {"name": "f" * 254}}})),
        "consumers.gateway.name",
    ),
    "name-number": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"gateway": {"name": 42}}})),
        "consumers.gateway.name",
    ),
    "duplicate-name": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"gateway": {"name": "FLUXLIT_JWT_HS256_SECRET"}}})),
        "consumers.gateway.name",
    ),
    "duplicate-opaque-names": (
        stack(
            secrets=sec(
                a={"kind": "opaque", "consumers": {"gateway": {"name": "TOKEN"}}},
                b={"kind": "opaque", "consumers": {"gateway": {"as": "env", "name": "TOKEN"}}},
            )
        ),
        "consumers.gateway.name",
    ),
    "shadow-fluxlit-app": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"gateway": {"as": "env", "name": "FLUXLIT_APP"}}})),
        "consumers.gateway.name",
    ),
    "shadow-gateway-setting-in-streamlit": (
        stack(
            secrets=sec(
                x={"kind": "opaque", "consumers": {"streamlit": {"as": "env", "name": "FLUXLIT_OIDC_BFF_SECRET"}}}
            )
        ),
        "consumers.streamlit.name",
    ),
    "shadow-internal-api-base": (
        stack(
            secrets=sec(
                x={"kind": "opaque", "consumers": {"streamlit": {"as": "env", "name": "FLUXLIT_INTERNAL_API_BASE"}}}
            )
        ),
        "consumers.streamlit.name",
    ),
    "name-previous-suffix": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"gateway": {"name": "TOKEN_PREVIOUS"}}})),
        "consumers.gateway.name",
    ),
    "overlap-on-config": (
        stack(secrets=sec(oidc={"kind": "oidc-client", "configKey": "oidcClientSecret", "overlap": True})),
        "secrets.oidc.overlap",
    ),
    "overlap-string": (stack(secrets=sec(jwt={"kind": "jwt-hs256", "overlap": "true"})), "secrets.jwt.overlap"),
    "rotated-at-bad-date": (
        stack(secrets=sec(jwt={"kind": "jwt-hs256", "rotatedAt": "2026-13-01"})),
        "secrets.jwt.rotatedAt",
    ),
    "max-age-zero": (stack(secrets=sec(jwt={"kind": "jwt-hs256", "maxAgeDays": 0})), "secrets.jwt.maxAgeDays"),
    "renamed-from-bad": (
        stack(secrets=sec(jwt={"kind": "jwt-hs256", "renamedFrom": "Old_Name"})),
        "secrets.jwt.renamedFrom",
    ),
    # deployments
    "image-space": (stack({"deployments": {"image": "ghcr.io/acme/app 1.0"}}), "deployments.image"),
    "image-missing": (stack({"deployments": {"target": "app:app"}}), "deployments.image"),
    "image-secret": (stack({"deployments": {"image": SECRET + " x"}}), "deployments.image"),
    "target-bad": (stack({"deployments": {"image": "ghcr.io/a/b:1", "target": "app"}}), "deployments.target"),
    "api-prefix-root": (stack({"deployments": {"image": "ghcr.io/a/b:1", "apiPrefix": "/"}}), "deployments.apiPrefix"),
    "replicas-zero": (
        stack({"deployments": {"image": "ghcr.io/a/b:1", "gatewayReplicas": 0}}),
        "deployments.gatewayReplicas",
    ),
    "replicas-absurd": (
        stack({"deployments": {"image": "ghcr.io/a/b:1", "streamlitReplicas": 100000}}),
        "deployments.streamlitReplicas",
    ),
    "run-as-root": (stack({"deployments": {"image": "ghcr.io/a/b:1", "runAsUser": 0}}), "deployments.runAsUser"),
    "script-relative": (
        stack({"deployments": {"image": "ghcr.io/a/b:1", "streamlitScript": "main.py"}}),
        "deployments.streamlitScript",
    ),
    "pull-policy": (
        stack({"deployments": {"image": "ghcr.io/a/b:1", "imagePullPolicy": "Sometimes"}}),
        "deployments.imagePullPolicy",
    ),
    # clouds
    "aws-block-missing": (stack({"store": "aws"}), "fluxlit-secrets:aws"),
    "aws-region-bad": (stack({"store": "aws", "aws": {**AWS, "region": "useast1"}}), "aws.region"),
    "aws-arn-bad": (
        stack({"store": "aws", "aws": {**AWS, "oidcProviderArn": "arn:aws:iam::12:oidc-provider/x"}}),
        "aws.oidcProviderArn",
    ),
    "aws-pod-identity-no-cluster": (
        stack({"store": "aws", "aws": {**AWS, "identity": "pod-identity"}}),
        "aws.clusterName",
    ),
    "aws-cluster-name-long": (
        stack({"store": "aws", "aws": {**AWS, "identity": "pod-identity", "clusterName": "c" * 101}}),
        "aws.clusterName",
    ),
    "aws-recovery-zero": (
        stack({"store": "aws", "aws": {**AWS, "recoveryWindowInDays": 0}}),
        "aws.recoveryWindowInDays",
    ),
    "aws-kms-other-region": (
        stack(
            {
                "store": "aws",
                "aws": {
                    **AWS,
                    "kmsKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/0f8e2a4c-6b1d-4e3f-9a7b-5c2d1e0f3a4b",
                },
            }
        ),
        "aws.kmsKeyArn",
    ),
    "aws-prefix-512": (stack({"store": "aws", "aws": {**AWS, "namePrefix": "p" * 300}}), "aws.namePrefix"),
    "aws-secret-name-arn-suffix": (
        stack(
            {"store": "aws", "aws": AWS},
            secrets=sec(**{"api-key123": {"kind": "opaque", "consumers": {"gateway": {"name": "K"}}}}),
        ),
        "secrets.api-key123",
    ),
    "gcp-project-short": (stack({"store": "gcp", "gcp": {**GCP, "project": "abc"}}), "gcp.project"),
    "gcp-project-31": (stack({"store": "gcp", "gcp": {**GCP, "project": "p" * 31}}), "gcp.project"),
    "gcp-number-unquoted": (
        stack({"store": "gcp", "gcp": {**GCP, "projectNumber": 314159265358}}),
        "gcp.projectNumber",
    ),
    "gcp-replication-bad": (stack({"store": "gcp", "gcp": {**GCP, "replication": "europe"}}), "gcp.replication"),
    "azure-vault-short": (stack({"store": "azure", "azure": {**AZ, "vaultName": "kv"}}), "azure.vaultName"),
    "azure-vault-25": (stack({"store": "azure", "azure": {**AZ, "vaultName": "k" * 25}}), "azure.vaultName"),
    "azure-vault-double-hyphen": (
        stack({"store": "azure", "azure": {**AZ, "vaultName": "kv--portal"}}),
        "azure.vaultName",
    ),
    "azure-tenant-bad": (stack({"store": "azure", "azure": {**AZ, "tenantId": "tenant"}}), "azure.tenantId"),
    "azure-issuer-http": (
        stack({"store": "azure", "azure": {**AZ, "oidcIssuerUrl": "http://issuer/"}}),
        "azure.oidcIssuerUrl",
    ),
    "azure-name-starts-with-digit": (stack({"app": "1portal", "store": "azure", "azure": AZ}), "secrets."),
    # auth and network
    "jwks-and-hs256": (stack({"auth": {"jwksUrl": "https://idp.example.com/jwks"}}), "secrets.jwt"),
    "jwks-http": (
        stack({"auth": {"jwksUrl": "http://idp.example.com/jwks"}}, secrets={"bff": {"kind": "oidc-bff"}}, oidc=False),
        "auth.jwksUrl",
    ),
    "netpol-bad-cidr": (stack({"networkPolicy": {"idpCidrs": ["10.0.0.1/8"]}}), "networkPolicy.idpCidrs"),
    "netpol-secret-in-cidr": (stack({"networkPolicy": {"idpCidrs": [SECRET]}}), "networkPolicy.idpCidrs"),
    # FluxLit reads names in any case: gateway material never reaches Streamlit, whatever its case
    "case-variant-jwt-file-to-streamlit": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"streamlit": {"name": "fluxlit_jwt_hs256_secret"}}})),
        "secrets.x.consumers.streamlit.name",
    ),
    "case-variant-bff-env-to-streamlit": (
        stack(
            secrets=sec(
                x={"kind": "opaque", "consumers": {"streamlit": {"as": "env", "name": "Fluxlit_Oidc_Bff_Secret"}}}
            )
        ),
        "secrets.x.consumers.streamlit.name",
    ),
    "case-variant-opaque-to-gateway": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"gateway": {"name": "Fluxlit_Jwt_Hs256_Secret"}}})),
        "secrets.x.consumers.gateway.name",
    ),
    "case-variant-runtime-env": (
        stack(secrets=sec(x={"kind": "opaque", "consumers": {"streamlit": {"as": "env", "name": "fluxlit_app"}}})),
        "secrets.x.consumers.streamlit.name",
    ),
    "case-variant-collision-in-pod": (
        stack(
            secrets=sec(
                a={"kind": "opaque", "consumers": {"gateway": {"name": "TOKEN"}}},
                b={"kind": "opaque", "consumers": {"gateway": {"name": "token"}}},
            )
        ),
        "secrets.b.consumers.gateway.name",
    ),
    "two-secrets-one-default-name": (
        stack(secrets={"jwt": {"kind": "jwt-hs256"}, "jwt2": {"kind": "jwt-hs256"}}, oidc=False),
        "secrets.jwt2.consumers.gateway.name",
    ),
    # one value, one secret
    "config-key-shared-across-workloads": (
        stack(
            secrets=sec(
                **{
                    "idp-copy": {
                        "kind": "opaque",
                        "source": "config",
                        "configKey": "oidcClientSecret",
                        "consumers": {"streamlit": {"name": "IDP"}},
                    }
                }
            )
        ),
        "secrets.oidc.configKey",
    ),
    "renamed-from-live-secret": (
        stack(secrets=sec(x={"kind": "opaque", "renamedFrom": "jwt", "consumers": {"streamlit": {"name": "X"}}})),
        "secrets.x.renamedFrom",
    ),
    "renamed-from-twice": (
        stack(
            secrets=sec(
                a={"kind": "opaque", "renamedFrom": "old", "consumers": {"gateway": {"name": "A"}}},
                b={"kind": "opaque", "renamedFrom": "old", "consumers": {"streamlit": {"name": "B"}}},
            )
        ),
        "secrets.b.renamedFrom",
    ),
    # secure values belong in secret values only, and must be ciphertext
    "secure-structural-image": (
        stack(extra="  fluxlit-secrets:deployments:\n    image:\n      secure: v1:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBB\n"),
        "fluxlit-secrets:deployments",
    ),
    "secure-app": (
        stack({"app": DROP}, extra="  fluxlit-secrets:app:\n    secure: v1:AAAAAAAAAAAAAAAA:CCCCCCCCCCCCCCCC\n"),
        "fluxlit-secrets:app",
    ),
    "secure-empty-string": (
        stack(oidc=False, extra='  fluxlit-secrets:oidcClientSecret:\n    secure: ""\n'),
        "fluxlit-secrets:oidcClientSecret",
    ),
    "secure-empty": (stack(oidc=False, extra="  fluxlit-secrets:oidcClientSecret:\n    secure:\n"), "oidcClientSecret"),
    "secure-mapping": (
        stack(oidc=False, extra="  fluxlit-secrets:oidcClientSecret:\n    secure: {a: 1}\n"),
        "fluxlit-secrets:oidcClientSecret",
    ),
    # secret-looking keys are never echoed
    "secret-looking-secret-name": (
        stack(secrets=sec(**{"ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8": {"kind": "opaque"}})),
        "[redacted]",
    ),
    "secret-looking-config-key": (
        stack(secrets=sec(oidc={"kind": "oidc-client", "configKey": "AKIAABCDEFGHIJKLMNOP"})),
        "[redacted]",
    ),
    "secret-looking-top-key": (stack(extra="  fluxlit-secrets:AKIAQWERTYUIOPASDFGH: 1\n"), "[redacted]"),
    # validation gaps
    "namespace-kube-anything": (stack({"namespace": "kube-flux"}), "fluxlit-secrets:namespace"),
    "namespace-trailing-newline": (stack({"namespace": "admin-portal\n"}), "fluxlit-secrets:namespace"),
    "aws-region-unicode-digit": (stack({"store": "aws", "aws": {**AWS, "region": "us-east-\u0661"}}), "aws.region"),
    "aws-account-fullwidth-digits": (
        stack(
            {
                "store": "aws",
                "aws": {
                    "region": "us-east-1",
                    "identity": "pod-identity",
                    "clusterName": "c",
                    "accountId": "\uff11" * 12,
                },
            }
        ),
        "aws.accountId",
    ),
    "image-trailing-newline": (stack({"deployments": {"image": "ghcr.io/acme/app:1.0\n"}}), "deployments.image"),
    "duplicate-key-after-normalisation": (
        SALT + "\nconfig:\n  app: admin-portal\n  fluxlit-secrets:app: other\n",
        "fluxlit-secrets:app",
    ),
    "rotated-at-future": (
        stack(secrets=sec(jwt={"kind": "jwt-hs256", "rotatedAt": "2999-01-01", "maxAgeDays": 30})),
        "secrets.jwt.rotatedAt",
    ),
    "rotated-at-year-zero": (
        stack(secrets=sec(jwt={"kind": "jwt-hs256", "rotatedAt": "0000-01-01"})),
        "secrets.jwt.rotatedAt",
    ),
    "azure-network-bad-range": (
        stack({"store": "azure", "azure": {**AZ, "network": {"allowedIpRanges": ["300.1.1.1/8"]}}}),
        "azure.network.allowedIpRanges",
    ),
    # files
    "yaml-syntax": ("config:\n  fluxlit-secrets:app: [unclosed\n", "line"),
    "yaml-duplicate-key": (SALT + "\nconfig:\n  fluxlit-secrets:app: a\n  fluxlit-secrets:app: b\n", "line"),
    "config-not-mapping": (SALT + "\nconfig: [1, 2]\n", "config"),
    "tab-indented": ("config:\n\tfluxlit-secrets:app: a\n", "line"),
    # read otherwise by go-yaml v3 (the Pulumi CLI) than by YAML 1.2: refused, never read differently
    "yaml-octal-generation": (
        stack(secrets=sec(jwt={"kind": "jwt-hs256", "generation": 15})).replace(
            '"generation": 15', '"generation": 017'
        ),
        "line",
    ),
    "yaml-omap": (stack() + "  fluxlit-secrets:deployments: !!omap [{gatewayReplicas: 2}]\n", "line"),
    "yaml-binary-tag": (stack() + "  fluxlit-secrets:image: !!binary aGk=\n", "line"),
    "yaml-non-specific-tag": (stack() + "  fluxlit-secrets:image: ! 12\n", "line"),
    "yaml-complex-key": (stack() + "  ? [fluxlit-secrets:app]\n  : x\n", "line"),
    # CSI delivery
    "csi-kubernetes-store": (stack({"delivery": "csi"}), "fluxlit-secrets:delivery"),
    "csi-unknown": (stack({"delivery": "secrets-store"}), "fluxlit-secrets:delivery"),
    "csi-env-consumer": (
        stack(
            {"store": "gcp", "gcp": GCP, "delivery": "csi"},
            sec(x={"kind": "opaque", "consumers": {"streamlit": {"as": "env", "name": "X"}}}),
        ),
        "secrets.x.consumers.streamlit.as",
    ),
    "csi-azure-overlap": (
        stack({"store": "azure", "azure": AZ, "delivery": "csi"}, sec(jwt={"kind": "jwt-hs256", "overlap": True})),
        "secrets.jwt.overlap",
    ),
    "csi-gcp-provider-unknown": (
        stack({"store": "gcp", "gcp": {**GCP, "csiProvider": "google"}, "delivery": "csi"}),
        "gcp.csiProvider",
    ),
}

for old in OUT.glob("*.yaml"):
    old.unlink()
for name, (text, key) in CASES.items():
    (OUT / f"{name}.yaml").write_text(f"# expect: {key}\n" + text, encoding="utf-8")
print(len(CASES), "cases")
