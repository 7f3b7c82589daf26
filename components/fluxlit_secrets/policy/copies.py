"""Copies of secret values, found by value (pure): every value a resource holds as a secret (a
Secret's data, a generated password, a cloud secret version, anything marked secret) is searched
for in every other place of every resource, plain, base64, hex, as a substring, and hashed with
each of hashlib's algorithms (whole or as a prefix of 8 or more hex digits). A value may sit only
in the secret fields of the resources that hold it; a value of a fluxlit-secrets secret only in
the ones its components made."""

import base64
import binascii
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from fluxlit_secrets.clouds.catalog import policies
from fluxlit_secrets.model.masking import MASKED
from fluxlit_secrets.model.resources import Res, dig

#: Where resources that are not a cloud's hold secret values (dotted paths; `*` is every key of a map).
SECRET_FIELDS: Mapping[str, tuple[str, ...]] = {
    "kubernetes:core/v1:Secret": ("data.*", "stringData.*"),
    "random:index/randomPassword:RandomPassword": ("result", "bcryptHash"),
    "random:index/randomBytes:RandomBytes": ("base64", "hex"),
    # keepers: a value kept (secret, in state) so that a new value replaces the id derived from it
    "random:index/randomId:RandomId": ("keepers.*",),
    "tls:index/privateKey:PrivateKey": ("privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"),
}
#: A shorter value is compared whole, never searched for inside text (it would be found anywhere).
MIN_SUBSTRING = 8
#: Shorter still, and it is not a secret worth the name (and would match every flag).
MIN_VALUE = 3
#: Up to this many encoded values, each is searched for in each text; above, an index of their heads.
FEW = 32
#: The least number of hex digits that count as a hash prefix.
MIN_HASH_PREFIX = 8
_HEX = re.compile(r"[0-9a-fA-F]{8,}")
#: The package's component types, in a URN's type chain: what its components made.
OURS = "fluxlit-secrets:index:"


def secret_fields() -> dict[str, tuple[str, ...]]:
    """Every type's secret fields: the table above and each cloud's (its secret versions)."""
    fields = dict(SECRET_FIELDS)
    for policy in policies():
        fields |= policy.secret_fields
    return fields


def made_by_us(res: Res) -> bool:
    """A resource one of the package's components made (its parent chain holds one)."""
    parts = res.urn.split("::")
    return len(parts) > 2 and OURS in parts[2].rsplit("$", 1)[0]


def _at(props: Mapping[str, Any], path: str) -> Iterator[tuple[str, Any]]:
    head, _, key = path.partition(".")
    if key == "*":
        inner = props.get(head)
        if isinstance(inner, Mapping):
            yield from ((f"{head}.{k}", v) for k, v in inner.items())
        return
    value = dig(props, *path.split("."))
    if value is not None:
        yield path, value


def _decoded(res: Res, path: str, value: Any) -> str:
    """A Secret's `data` is base64: the value a consumer reads is its decoding."""
    text = value if isinstance(value, str) else ""
    if res.kind == "Secret" and path.startswith("data."):
        try:
            return base64.b64decode(text, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return text
    return text


@dataclass(frozen=True, kw_only=True)
class Known:
    """A secret value and where it is held."""

    value: str
    holder: Res
    field: str
    ours: bool


def held(res: Res, fields: Mapping[str, tuple[str, ...]] | None = None) -> list[tuple[str, str]]:
    """(field, value) of every secret field of a resource that holds values (a Secret's data decoded)."""
    fields = secret_fields() if fields is None else fields
    return [(p, _decoded(res, p, v)) for path in fields.get(res.type, ()) for p, v in _at(res.props, path)]


def known_values(resources: list[Res]) -> dict[str, Known]:
    """value -> where it is held (one of its holders; the package's own where it has one)."""
    fields = secret_fields()
    found: dict[str, Known] = {}
    for res in resources:
        held_ = held(res, fields)
        if res.type not in fields:
            # Markers count where no field says what is secret: a holder's whole `properties` may be
            # marked, content type and all, while only its value is.
            held_ += [("(marked secret)", v) for v in res.secret_values]
        for path, value in held_:
            if len(value) < MIN_VALUE or value == MASKED:
                continue  # too short to search for, or a secret an export without --show-secrets hides
            ours = made_by_us(res) and path != "(marked secret)"
            if value not in found or (ours and not found[value].ours):
                found[value] = Known(value=value, holder=res, field=path, ours=ours)
    return found


def _hashes(value: str) -> list[tuple[str, str]]:
    raw = value.encode("utf-8")
    out = []
    for name in sorted(hashlib.algorithms_guaranteed):
        if name == "shake_128":
            digest = hashlib.shake_128(raw).hexdigest(64)  # any length: a prefix of a longer one
        elif name == "shake_256":
            digest = hashlib.shake_256(raw).hexdigest(64)
        else:
            digest = hashlib.new(name, raw).hexdigest()
        out.append((name, digest))
    return out


class Finder:
    """Searches text for known values in every encoding a consumer could read."""

    def __init__(self, known: Mapping[str, Known]) -> None:
        self.plain: list[tuple[str, str, Known]] = []
        self.whole: dict[str, tuple[str, Known]] = {}
        self.by_prefix: dict[str, list[tuple[str, str, Known]]] = {}
        self.by_head: dict[str, list[tuple[str, str, Known]]] = {}
        for value, k in known.items():
            raw = value.encode("utf-8")
            encoded = {
                "base64": base64.b64encode(raw).decode().rstrip("="),
                "base64url": base64.urlsafe_b64encode(raw).decode().rstrip("="),
                "hex": raw.hex(),
            }
            if len(value) >= MIN_SUBSTRING:
                self.plain.append((value, "plain", k))
            else:
                self.whole[value] = ("plain", k)
            self.plain += [(e, how, k) for how, e in encoded.items() if len(e) >= MIN_SUBSTRING]
            for name, digest in _hashes(value):
                self.by_prefix.setdefault(digest[:MIN_HASH_PREFIX], []).append((digest, name, k))

    def find(self, text: str) -> Iterator[tuple[str, Known]]:
        """(how it is encoded, the known value) of every known value in `text`: with few values
        each is searched for; with many, each position's first characters are looked up once."""
        if text in self.whole:
            yield self.whole[text]
        if len(self.plain) <= FEW:
            yield from ((how, k) for needle, how, k in self.plain if needle in text)
        elif len(text) >= MIN_SUBSTRING:
            if not self.by_head:
                for entry in self.plain:
                    self.by_head.setdefault(entry[0][:MIN_SUBSTRING], []).append(entry)
            for i in range(len(text) - MIN_SUBSTRING + 1):
                for needle, how, k in self.by_head.get(text[i : i + MIN_SUBSTRING], ()):
                    if text.startswith(needle, i):
                        yield how, k
        for run in (found.lower() for found in _HEX.findall(text)):
            for digest, name, k in self.by_prefix.get(run[:MIN_HASH_PREFIX], ()):
                if digest.startswith(run) or run.startswith(digest):
                    yield f"{name} hash", k


def _leaves(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(path, text) of every string in a value, keys of maps included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            sub = f"{path}.{key}" if path else str(key)
            yield sub + " (key)", str(key)
            yield from _leaves(inner, sub)
    elif isinstance(value, (list, tuple)):
        for n, inner in enumerate(value):
            yield from _leaves(inner, f"{path}[{n}]")


def _allowed(res: Res, path: str, *, k: Known, fields: tuple[str, ...]) -> bool:
    """A secret field of a resource that holds secrets: any value of its own, and a value of the
    package's only where the package made it."""
    in_field = any(
        path == f or (f.endswith(".*") and path.startswith(f[:-1]) and "." not in path[len(f) - 1 :]) for f in fields
    )
    return in_field and (made_by_us(res) or not k.ours)


def no_copy_of_a_secret_value(resources: list[Res]) -> Iterator[tuple[Res, str]]:
    """A secret value found anywhere but a secret field of a resource allowed to hold it."""
    known = known_values(resources)
    if not known:
        return
    finder = Finder(known)
    fields = secret_fields()
    for res in resources:
        if res.type.startswith(OURS):
            # The package's components: CrossGuard shows them with their outputs (a ManagedSecret's
            # `value`, secret in state), which are their children's values, not copies.
            continue
        own = fields.get(res.type, ())
        reported: set[tuple[str, str]] = set()
        for path, text in _leaves(res.props, ""):
            for how, k in finder.find(text):
                if _allowed(res, path.removesuffix(" (key)"), k=k, fields=own) and not path.endswith(" (key)"):
                    continue
                if k.holder is res and path == k.field:
                    continue
                if (k.value, path) in reported:
                    continue
                reported.add((k.value, path))
                yield (
                    res,
                    (
                        f"{path} holds a copy ({how}) of the secret value in {k.holder.type.rsplit(':', 1)[-1]} "
                        f"{k.holder.name} {k.field}: deliver it from its Secret to the workload that needs it, "
                        "never copy it (nor a hash of it) into another resource"
                    ),
                )
