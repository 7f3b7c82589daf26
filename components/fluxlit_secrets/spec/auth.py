"""JWKS authentication and the egress NetworkPolicy settings (`fluxlit-secrets:auth`, `:networkPolicy`)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fluxlit_secrets.errors import ConfigError, did_you_mean, shown

HTTPS_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?$")
AUTH_KEYS = ("jwksUrl", "issuer", "audience", "leewaySeconds")
NETWORK_POLICY_KEYS = ("idpCidrs",)


@dataclass(frozen=True, kw_only=True)
class AuthSettings:
    """Token validation against the IdP's JWKS (FluxLit's FLUXLIT_JWT_* settings)."""

    jwks_url: str
    issuer: str | None = None
    audience: str | None = None
    leeway_seconds: int | None = None

    def env(self) -> dict[str, str]:
        """The gateway's plain (non-secret) env."""
        env = {"FLUXLIT_JWT_JWKS_URL": self.jwks_url}
        if self.issuer:
            env["FLUXLIT_JWT_ISSUER"] = self.issuer
        if self.audience:
            env["FLUXLIT_JWT_AUDIENCE"] = self.audience
        if self.leeway_seconds is not None:
            env["FLUXLIT_JWT_LEEWAY_SECONDS"] = str(self.leeway_seconds)
        return env


@dataclass(frozen=True, kw_only=True)
class NetworkPolicySettings:
    """Egress policy: the gateway reaches the IdP (these CIDRs, or any address) on 443, plus DNS."""

    idp_cidrs: tuple[str, ...] = ()


def _known(raw: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> None:
    for k in raw:
        if k not in allowed:
            raise ConfigError(
                f"{key}.{k}", f"unknown key{did_you_mean(k, allowed)}", "valid keys are " + ", ".join(allowed)
            )


def parse_auth(raw: Any) -> AuthSettings:
    """Validate `fluxlit-secrets:auth`."""
    key = "fluxlit-secrets:auth"
    if not isinstance(raw, Mapping):
        raise ConfigError(key, "must be a mapping", "give jwksUrl, issuer and audience")
    _known(raw, key, AUTH_KEYS)
    url = raw.get("jwksUrl")
    if not isinstance(url, str) or not HTTPS_URL.match(url):
        raise ConfigError(f"{key}.jwksUrl", f"{shown(url)} is not an https URL", "give the IdP's JWKS URL, https://...")
    for field in ("issuer", "audience"):
        value = raw.get(field)
        if value is not None and (
            not isinstance(value, str)
            or not value.strip()
            or len(value) > 2048
            or any(not c.isprintable() for c in value)
        ):
            raise ConfigError(
                f"{key}.{field}", f"{shown(value)} is not a printable string", f"give the token's {field}"
            )
    leeway = raw.get("leewaySeconds")
    if leeway is not None and (isinstance(leeway, bool) or not isinstance(leeway, int) or not 0 <= leeway <= 300):
        raise ConfigError(f"{key}.leewaySeconds", f"must be 0 to 300, got {shown(leeway)}", "omit it for 0")
    return AuthSettings(jwks_url=url, issuer=raw.get("issuer"), audience=raw.get("audience"), leeway_seconds=leeway)


def parse_network_policy(raw: Any) -> NetworkPolicySettings:
    """Validate `fluxlit-secrets:networkPolicy` ({} or {idpCidrs: [...]})."""
    key = "fluxlit-secrets:networkPolicy"
    if raw is True or raw == {}:
        return NetworkPolicySettings()
    if not isinstance(raw, Mapping):
        raise ConfigError(key, "must be a mapping", "write {} (IdP on any address) or {idpCidrs: [203.0.113.0/24]}")
    _known(raw, key, NETWORK_POLICY_KEYS)
    cidrs = raw.get("idpCidrs", [])
    if not isinstance(cidrs, list):
        raise ConfigError(f"{key}.idpCidrs", "must be a list of CIDRs", "e.g. [203.0.113.0/24]")
    for cidr in cidrs:
        try:
            ipaddress.ip_network(cidr, strict=True)
        except (TypeError, ValueError):
            raise ConfigError(
                f"{key}.idpCidrs",
                f"{shown(cidr)} is not a network CIDR",
                "give networks such as 203.0.113.0/24 (no host bits)",
            ) from None
    if len(set(cidrs)) != len(cidrs):
        raise ConfigError(f"{key}.idpCidrs", "lists a CIDR twice", "list each network once")
    return NetworkPolicySettings(idp_cidrs=tuple(cidrs))
