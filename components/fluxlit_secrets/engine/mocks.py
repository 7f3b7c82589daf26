"""Mocks that answer like the providers: auto-names with suffixes, ids, generated values.

Shared by the tests and the synth engine, so tests exercise exactly what users run. Every
answer is deterministic (derived from the URN and inputs) so two synths of one program agree,
and a changed input (a new generation, a new config value) gives a changed answer, as the real
provider's replacement would.
"""

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pulumi

from fluxlit_secrets.clouds.fakes import chars, uuid
from fluxlit_secrets.engine import sdk
from fluxlit_secrets.engine.clouds import cloud_context, fake_of

#: The wire marker of a secret value (pulumi.runtime.rpc's signature pair).
SECRET_SIG_KEY = sdk.SECRET_SIG_KEY
SECRET_SIG = sdk.SECRET_SIG


def is_secret(value: Any) -> bool:
    """True for a value wrapped with the secret marker."""
    return isinstance(value, dict) and value.get(SECRET_SIG_KEY) == SECRET_SIG


def secret(value: Any) -> dict[str, Any]:
    """Wrap a value the way the engine marks secrets."""
    return {SECRET_SIG_KEY: SECRET_SIG, "value": value}


def unwrap(value: Any) -> Any:
    """Remove every secret marker, however deeply nested (for tests that read values)."""
    if is_secret(value):
        return unwrap(value["value"])
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def masked(value: Any) -> Any:
    """The value with every secret replaced by one marker: what an id may be derived from (a digest
    of a secret would let anyone who reads the output test guesses against it)."""
    if is_secret(value):
        return SECRET_SIG
    if isinstance(value, dict):
        return {k: masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def previewed(typ: str, inputs: dict[str, Any], state: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """What a provider answers in a preview of a create: the inputs as given, every output it would
    compute (ids, ARNs, version ids, generated values, nested ones too) unknown. pulumi-kubernetes
    answers a create's preview with the checked inputs, auto-name included (it names in Check)."""
    kubernetes = typ.startswith("kubernetes:")
    out: dict[str, Any] = {}
    for key, value in state.items():
        given = inputs.get(key, sdk.UNKNOWN)
        if isinstance(value, dict) and isinstance(given, dict) and not is_secret(value) and not kubernetes:
            given = {k: given.get(k, sdk.UNKNOWN) for k in value}
        out[key] = given
    meta = inputs.get("metadata")
    if kubernetes and isinstance(meta, dict):
        out["metadata"] = {**meta, "name": (state.get("metadata") or {}).get("name")}
    return "", out


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _digest(*parts: Any) -> bytes:
    return hashlib.sha256("\x00".join(_canonical(p) for p in parts).encode()).digest()


def _suffix(seed: bytes, n: int = 7) -> str:
    return hashlib.sha256(seed).hexdigest()[:n]


Handler = Callable[["ProviderMocks", pulumi.runtime.MockResourceArgs], tuple[str, dict[str, Any]]]


class ProviderMocks(pulumi.runtime.Mocks):
    """Answers per type token (a dict of handlers); unknown types echo their inputs."""

    def __init__(
        self,
        *,
        seed: str = "fluxlit-secrets-synth",
        generated: dict[str, str] | None = None,
        earlier: "ProviderMocks | None" = None,
    ) -> None:
        self.seed = seed
        #: Each resource's inputs with their values, by (type, name), in memory only: what a later
        #: run of the same process compares with (a secret-only change gives new ids, as a provider would).
        self.inputs_seen: dict[tuple[str, str], Any] = {}
        self._earlier = earlier.inputs_seen if earlier is not None else None
        #: True while answering a preview (computed outputs unknown).
        self.preview = False
        #: Logical name -> value, to make generated values known to a test (leak scans).
        self.generated = dict(generated or {})
        #: Every generated value handed out, by logical name (tests read it; nothing prints it).
        self.handed_out: dict[str, str] = {}
        #: Account, region, project, subscription the cloud fakes answer with.
        self.cloud: dict[str, str] = cloud_context({})

    def configure(self, config: dict[str, str], *, preview: bool = False) -> None:
        """Take the cloud identifiers from the stack's config before a run (and whether it previews)."""
        self.cloud = cloud_context(config)
        self.preview = preview

    # -- dispatch ---------------------------------------------------------------
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        id_, state = self._answer(args)
        if self.preview:
            return previewed(args.typ, args.inputs, state)
        return id_, state

    def _answer(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        fake = fake_of(args.typ)
        if fake is not None:
            id_, extra = fake(self.cloud, args.name, unwrap(args.inputs), seed=self._seed(args))
            return id_, {**args.inputs, **extra}
        handler = HANDLERS.get(args.typ)
        if handler is None and args.typ.startswith("kubernetes:"):
            handler = _kubernetes
        if handler is None:
            return f"{args.name}-{_suffix(self._seed(args))}", dict(args.inputs)
        return handler(self, args)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None

    def _seed(self, args: pulumi.runtime.MockResourceArgs) -> bytes:
        """What a resource's ids and generated values derive from: its inputs with secrets masked,
        and whether a secret in them changed since the earlier run (compared in memory)."""
        key, values = (args.typ, args.name), unwrap(args.inputs)
        self.inputs_seen.setdefault(key, values)
        earlier = self._earlier.get(key, values) if self._earlier is not None else values
        return _digest(self.seed, args.typ, args.name, masked(args.inputs), earlier != values)


def _random_password(m: ProviderMocks, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
    length = int(args.inputs.get("length", 16))
    value = m.generated.get(args.name) or chars(m._seed(args), length)
    m.handed_out[args.name] = value
    state = dict(args.inputs)
    state["result"] = secret(value)
    state["bcryptHash"] = secret("$2a$10$" + chars(m._seed(args) + b"bcrypt", 53))
    return "none", state


def _random_id(m: ProviderMocks, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
    raw = _digest(m._seed(args), "random-id")[: int(args.inputs.get("byteLength", 8))]
    b64 = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    state = dict(args.inputs)
    state.update(
        {
            "hex": raw.hex(),
            "b64Url": b64,
            "b64Std": base64.b64encode(raw).decode(),
            "dec": str(int.from_bytes(raw, "big")),
        }
    )
    return b64, state


def _kubernetes(m: ProviderMocks, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
    state = dict(args.inputs)
    meta = dict(unwrap(state.get("metadata") or {}))
    if not meta.get("name"):
        # pulumi-kubernetes auto-naming: the logical name plus a random suffix.
        meta["name"] = f"{args.name}-{_suffix(m._seed(args), 8)}"
    meta["uid"] = str(uuid(m._seed(args)))
    state["metadata"] = {**(state.get("metadata") or {}), **meta}
    ns = meta.get("namespace")
    return (f"{ns}/{meta['name']}" if ns else meta["name"]), state


HANDLERS: dict[str, Handler] = {
    "random:index/randomPassword:RandomPassword": _random_password,
    "random:index/randomId:RandomId": _random_id,
}
