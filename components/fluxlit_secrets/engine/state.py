"""A deployed stack's resources from `pulumi stack export`, as the rules see them: `check --state`
works on what any program deployed (TypeScript, Go, YAML, Python) without running it."""

import json
from pathlib import Path
from typing import Any

from fluxlit_secrets.engine import sdk
from fluxlit_secrets.engine.check import Violation, evaluate, policy_props
from fluxlit_secrets.engine.yamlfile import FileError, read_text
from fluxlit_secrets.model.masking import marked_values, remember
from fluxlit_secrets.model.resources import RECORDING_COMPONENTS, Res
from fluxlit_secrets.policy.copies import held

#: `pulumi stack export` of a large stack is a few MiB.
MAX_STATE_BYTES = 64 * 1024 * 1024
#: Deeper than any resource's properties nest (a Kubernetes object: about 15 levels).
MAX_DEPTH = 64
#: What a secret shows as in an export without --show-secrets.
SECRET_SHOWN = "[secret]"


def _unwrap(value: Any) -> Any:
    """Secrets as their plaintext (an export with --show-secrets) or "[secret]"."""
    if isinstance(value, dict):
        if value.get(sdk.SECRET_SIG_KEY) == sdk.SECRET_SIG:
            if "plaintext" in value:
                try:
                    plain = _unwrap(json.loads(value["plaintext"]))
                except (TypeError, ValueError):
                    plain = value["plaintext"]
                remember(marked_values(value))
                return plain
            return _unwrap(value["value"]) if "value" in value else SECRET_SHOWN
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def _plain(value: Any) -> str:
    """A marked value's text (an export with --show-secrets holds it as JSON text, `plaintext`)."""
    return value if isinstance(value, str) else ""


def _depth(doc: Any) -> int:
    """How deep `doc` nests (without recursing: a hostile file may nest thousands deep)."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, depth)
            stack += [(v, depth + 1) for v in (value.values() if isinstance(value, dict) else value)]
    return deepest


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def resources_of_state(path: Path) -> list[Res]:
    """The custom resources of an exported deployment (version 3), outputs merged under inputs."""
    text = read_text(path, MAX_STATE_BYTES)
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except ValueError as exc:
        if not isinstance(exc, json.JSONDecodeError):
            raise FileError(f"{path}: holds NaN or Infinity, which no `pulumi stack export` writes") from None
        raise FileError(f"{path}: line {exc.lineno}: not JSON ({exc.msg}); give `pulumi stack export` output") from None
    except RecursionError:
        raise FileError(f"{path}: nested too deep to be a `pulumi stack export` file") from None
    if _depth(doc) > MAX_DEPTH:
        raise FileError(f"{path}: nested deeper than {MAX_DEPTH} levels; give `pulumi stack export` output")
    deployment = doc.get("deployment") if isinstance(doc, dict) else None
    listed = deployment.get("resources") if isinstance(deployment, dict) else None
    if not isinstance(listed, list):
        raise FileError(f"{path}: has no deployment.resources; give the output of `pulumi stack export`")
    out = []
    for n, r in enumerate(listed):
        if not isinstance(r, dict):
            raise FileError(
                f"{path}: deployment.resources[{n}] is not an object; give unedited `pulumi stack export` output"
            )
        if str(r.get("type", "")).startswith("pulumi:providers:"):
            continue
        if not r.get("custom") and r.get("type") not in RECORDING_COMPONENTS:
            continue
        if not all(isinstance(r.get(k), str) for k in ("urn", "type")) or not all(
            isinstance(r.get(k) or {}, dict) for k in ("inputs", "outputs")
        ):
            raise FileError(
                f"{path}: deployment.resources[{n}]: urn and type must be text, inputs and outputs objects; "
                "give unedited `pulumi stack export` output"
            )
        props = policy_props(_unwrap(r.get("inputs") or {}), _unwrap(r.get("outputs") or {}))
        marked = [*marked_values(r.get("inputs") or {}), *marked_values(r.get("outputs") or {})]
        out.append(
            Res(
                type=str(r.get("type")),
                name=_name(str(r.get("urn", ""))),
                urn=str(r.get("urn", "")),
                props=props,
                protect=bool(r.get("protect")),
                retain_on_delete=bool(r.get("retainOnDelete")),
                secret_values=tuple(sorted({_plain(v) for v in marked} - {"", SECRET_SHOWN})),
            )
        )
    for res in out:
        remember(v for _, v in held(res) if v != SECRET_SHOWN)
    return out


def evaluate_state(path: Path) -> list[Violation]:
    """The rules over an exported deployment. Properties no provider writes (a `metadata` that is
    text, a policy statement that is a list) are refused in one line, not met with a traceback."""
    resources = resources_of_state(path)
    try:
        return evaluate(resources)
    except (AttributeError, TypeError, KeyError, ValueError, IndexError) as exc:
        raise FileError(
            f"{path}: a resource's properties are not shaped as its provider writes them ({type(exc).__name__}); "
            "give unedited `pulumi stack export` output"
        ) from None
