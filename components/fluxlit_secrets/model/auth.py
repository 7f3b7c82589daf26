"""JWKS authentication and the egress NetworkPolicy settings (`auth`, `networkPolicy`)."""

import ipaddress
import re
from dataclasses import dataclass

from fluxlit_secrets.model.secretish import shown
from fluxlit_secrets.model.shape import Node

HTTPS_URL = re.compile(r"https://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?", re.ASCII)
AUTH_FIELDS = ("jwks_url", "issuer", "audience", "leeway_seconds")
NETWORK_POLICY_FIELDS = ("idp_cidrs",)


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


def _printable(node: Node, what: str) -> str | None:
    value = node.value
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 2048 or not value.isprintable():
        node.fail(f"{shown(value)} is not a printable string", f"give the token's {what}")
    return value


def parse_auth(node: Node) -> AuthSettings:
    """Validate `auth`."""
    node = node.mapping("{jwksUrl: https://idp.example.com/.well-known/jwks.json}")
    node.known(AUTH_FIELDS)
    url = node.field("jwks_url")
    if not isinstance(url.value, str) or not HTTPS_URL.fullmatch(url.value):
        url.fail(f"{shown(url.value)} is not an https URL", "give the IdP's JWKS URL, https://...")
    leeway = node.field("leeway_seconds")
    return AuthSettings(
        jwks_url=url.value,
        issuer=_printable(node.field("issuer"), "issuer"),
        audience=_printable(node.field("audience"), "audience"),
        leeway_seconds=None if leeway.value is None else leeway.whole(0, 300, "omit it for 0"),
    )


def parse_network_policy(node: Node) -> NetworkPolicySettings:
    """Validate `networkPolicy` ({} or {idpCidrs: [...]})."""
    if node.value is True or node.value == {}:
        return NetworkPolicySettings()
    node = node.mapping("{} (IdP on any address) or {idpCidrs: [203.0.113.0/24]}")
    node.known(NETWORK_POLICY_FIELDS)
    cidrs = node.field("idp_cidrs", [])
    if not isinstance(cidrs.value, list):
        cidrs.fail("must be a list of CIDRs", "e.g. [203.0.113.0/24]")
    for cidr in cidrs.value:
        try:
            if not isinstance(cidr, str):
                raise TypeError(cidr)
            ipaddress.ip_network(cidr, strict=True)
        except (TypeError, ValueError):
            cidrs.fail(f"{shown(cidr)} is not a network CIDR", "give networks such as 203.0.113.0/24 (no host bits)")
    if len(set(cidrs.value)) != len(cidrs.value):
        cidrs.fail("lists a CIDR twice", "list each network once")
    return NetworkPolicySettings(idp_cidrs=tuple(cidrs.value))
