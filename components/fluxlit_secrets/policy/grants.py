"""Rules over cloud grants and trust: who may read which secret (pure functions)."""

import re
from collections.abc import Iterator

from fluxlit_secrets.clouds.catalog import containers, policies
from fluxlit_secrets.model.resources import Res, dig
from fluxlit_secrets.model.secretish import SECRET_NAME, secret_literal
from fluxlit_secrets.policy.cloud_reads import cloud_reads, readers_of, workload_of
from fluxlit_secrets.policy.identities import identities


def identity_trust_one_subject(res: Res) -> Iterator[str]:
    """Workload-identity trust and federation name exactly one ServiceAccount subject and audience
    (each cloud judges its own: IRSA trust, federated credentials, workloadIdentityUser members)."""
    for policy in policies():
        yield from policy.trust(res)


def secret_grants_name_secrets(res: Res) -> Iterator[str]:
    """Secret-read grants name specific secrets: evaluated with wildcards, NotAction, NotResource,
    managed and resource policies (AWS), member kinds and resource levels (GCP), parsed scopes (Azure)."""
    for policy in policies():
        yield from policy.grants(res)


def secret_containers_protected(res: Res) -> Iterator[str]:
    """Cloud secret containers are protected or retained (a destroy or rename cannot delete them)."""
    if res.type not in containers() or res.protect or res.retain_on_delete:
        return
    tags = res.props.get("tags") or res.props.get("labels") or {}
    if str(tags.get("disposable", "")).lower() == "true":
        return  # a throw-away stack said so
    yield "the secret container is neither protected nor retained: `pulumi destroy` or a rename would delete it"


def no_secret_build_args(res: Res) -> Iterator[str]:
    """Image builds carry no secret-looking build arg or Dockerfile ENV (it stays in the layers)."""
    if res.type == "docker-build:index:Image":
        args = res.props.get("buildArgs") or {}
        inline = dig(res.props, "dockerfile", "inline") or ""
    elif res.type in ("docker:index/image:Image", "docker:index:Image"):
        args = dig(res.props, "build", "args") or {}
        inline = ""
    else:
        return
    for name, value in args.items():
        if SECRET_NAME.search(str(name)) or secret_literal(str(name), value):
            yield f"build arg {name!r} looks like a secret: mount it at run time (or a build secret), never a build arg"
    for line in str(inline).splitlines():
        m = re.match(r"^\s*(ENV|ARG)\s+([A-Za-z_][A-Za-z0-9_]*)", line, re.IGNORECASE)
        if m and SECRET_NAME.search(m.group(2)):
            yield f"Dockerfile {m.group(1).upper()} {m.group(2)} bakes a secret into the image"


def cloud_secrets_read_by_their_workloads(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """A cloud secret is readable only by the identities of the workloads it is for (its `readers`
    tag): every grant is followed to the ServiceAccounts that can use it."""
    seen: set[tuple[str, str, str]] = set()
    found = identities(resources)
    for read in cloud_reads(resources):
        readers = readers_of(read.secret)
        if readers is None:
            continue
        workload = workload_of(found, read.ksa)
        allowed = workload in readers or (workload == "app" and readers <= {"gateway", "streamlit", "app"})
        key = (read.secret.urn, *read.ksa)
        if allowed or key in seen:
            continue
        seen.add(key)
        yield (
            read.secret,
            f"ServiceAccount {read.ksa[0]}/{read.ksa[1]} can read it through {read.identity}, "
            f"but it is for {', '.join(sorted(readers))} only",
        )


def identity_one_federation(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """A managed identity trusts exactly one issuer and subject: a second federation of it (another
    cluster, another ServiceAccount) lets that one act as the workload."""
    by_identity: dict[str, list[tuple[Res, tuple[str, str]]]] = {}
    for policy in policies():
        for f in policy.federations(resources):
            by_identity.setdefault(f.identity, []).append((f.credential, (f.issuer, f.subject)))
    for identity, creds in by_identity.items():
        trusted = {pair for _, pair in creds}
        if len(trusted) > 1:
            for cred, _ in creds:
                yield cred, f"identity {identity!r} is trusted by {len(trusted)} issuer/subject pairs; keep one"
