"""Read a Pulumi project (Pulumi.yaml) and one stack file into the config the runtime sees."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fluxlit_secrets.engine.cliconfig import cli_string
from fluxlit_secrets.engine.passphrase import NO_PASSPHRASE, Decrypter, decrypter_for, is_passphrase_stack
from fluxlit_secrets.engine.typedconfig import Declared, check_stack, declarations
from fluxlit_secrets.engine.yamlfile import FileError, load_yaml
from fluxlit_secrets.errors import ConfigError, FluxlitSecretsError, did_you_mean
from fluxlit_secrets.model.parse import STACK_NAME


class ProjectError(FileError):
    """The project or stack cannot be read (missing file, bad YAML, unknown stack)."""


@dataclass(frozen=True, kw_only=True)
class Project:
    """A Pulumi project on disk."""

    root: Path
    name: str
    main: Path
    stack_dir: Path
    defaults: dict[str, Any] = field(default_factory=dict)
    #: The typed `config:` block, enforced on every stack as the CLI does.
    declared: tuple[Declared, ...] = ()
    #: The virtualenv Pulumi.yaml names (`runtime.options.virtualenv`), as the Pulumi CLI uses it.
    virtualenv: Path | None = None

    def site_packages(self) -> list[Path]:
        """The project virtualenv's site-packages folders (none without a virtualenv)."""
        if self.virtualenv is None:
            return []
        return sorted(self.virtualenv.glob("lib/python*/site-packages"))

    def stacks(self) -> list[str]:
        """Names of the stacks that have a stack file."""
        return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in self.stack_dir.glob("Pulumi.*.yaml"))

    def stack_file(self, stack: str) -> Path:
        """Path of `Pulumi.<stack>.yaml`, or a ProjectError listing the stacks that exist. The name is
        checked before any file is opened: it cannot reach outside the stack folder."""
        if not STACK_NAME.fullmatch(stack) or stack.startswith("."):
            raise ProjectError(
                f"{stack!r} is not a stack name; use letters, digits, '-', '_' and '.' (stacks here: "
                f"{', '.join(self.stacks()) or 'none'})"
            )
        path = self.stack_dir / f"Pulumi.{stack}.yaml"
        if not path.is_file():
            have = self.stacks()
            raise ProjectError(
                f"stack {stack!r} has no file {path}{did_you_mean(stack, have)}; "
                f"stacks here: {', '.join(have) or 'none'}"
            )
        return path


@dataclass(frozen=True)
class StackConfig:
    """Config as the language runtime receives it: string values, plus the secret keys."""

    values: dict[str, str]
    secret_keys: list[str]
    path: Path


def _load(path: Path, text: str | None = None) -> Any:
    return load_yaml(path, text)


def load_project(root: str | Path) -> Project:
    """Read `<root>/Pulumi.yaml`."""
    root = Path(root).resolve()
    path = root / "Pulumi.yaml"
    if not path.is_file():
        raise ProjectError(f"{root}: no Pulumi.yaml here; pass --project-dir with a Pulumi project")
    doc = _load(path) or {}
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
        raise ProjectError(f"{path}: 'name' is missing; a Pulumi project needs a name")
    name = doc["name"]
    _check_runtime(path, doc.get("runtime"))
    main = root / str(doc.get("main") or "")
    if main.is_dir():
        main = main / "__main__.py"
    if not main.is_file():
        raise ProjectError(f"{path}: the program {main} does not exist")
    declared = declarations(name, doc.get("config"), str(path))
    defaults = {d.full: d.default for d in declared if d.has_default}
    return Project(
        root=root,
        name=name,
        main=main,
        stack_dir=root / str(doc.get("stackConfigDir") or "."),
        defaults=defaults,
        declared=tuple(declared),
        virtualenv=_virtualenv(root, doc.get("runtime")),
    )


def _runtime_name(runtime: Any) -> str:
    return str(runtime.get("name") if isinstance(runtime, dict) else runtime or "")


def _check_runtime(path: Path, runtime: Any) -> None:
    """Only a Python program can be run offline; say what works for any other in one line."""
    name = _runtime_name(runtime)
    if name != "python":
        shown = f"a {name} program" if name else "a program without a runtime"
        raise ProjectError(
            f"{path}: {shown}: the offline commands run Python programs only; deploy it with the Pulumi "
            "CLI (`pulumi preview --policy-pack` for the rules), then check what it deployed with "
            "`pulumi stack export --file state.json && fluxlit-secrets check --state state.json`"
        )


def _virtualenv(root: Path, runtime: Any) -> Path | None:
    options = runtime.get("options") if isinstance(runtime, dict) else None
    venv = options.get("virtualenv") if isinstance(options, dict) else None
    return (root / str(venv)) if isinstance(venv, str) and venv else None


def _full_key(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _as_config_string(value: Any) -> str:
    """The string the CLI hands the program for a stack-file value (cliconfig)."""
    return cli_string(value)[0]


def _has_secure(value: Any) -> bool:
    if isinstance(value, dict):
        return set(value) == {"secure"} or any(_has_secure(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_secure(v) for v in value)
    return False


def _malformed_secure(value: Any) -> bool:
    """A `{secure: ...}` whose ciphertext is missing, empty or not a string."""
    if isinstance(value, dict):
        if "secure" in value and set(value) == {"secure"}:
            return not (isinstance(value["secure"], str) and value["secure"].strip())
        return any(_malformed_secure(v) for v in value.values())
    if isinstance(value, list):
        return any(_malformed_secure(v) for v in value)
    return False


def _opaque(value: Any) -> Any:
    """Replace nested `{secure: ciphertext}` with the ciphertext: opaque, never decrypted."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return str(value["secure"])
        return {k: _opaque(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_opaque(v) for v in value]
    return value


def _revealed(key: str, value: Any, decrypter: Decrypter) -> Any:
    """`value` with each nested `{secure: ciphertext}` replaced by its plaintext (for type checks only)."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return decrypter.decrypt(key, str(value["secure"]))
        return {k: _revealed(key, v, decrypter) for k, v in value.items()}
    if isinstance(value, list):
        return [_revealed(key, v, decrypter) for v in value]
    return value


def _typed_keys(project: Project) -> set[str]:
    return {d.full for d in project.declared if d.type is not None}


def load_stack_config(project: Project, stack: str, text: str | None = None) -> StackConfig:
    """Merge Pulumi.yaml defaults with the stack file, as the CLI hands config to a program.

    On a passphrase stack with PULUMI_CONFIG_PASSPHRASE(_FILE) set, every `secure:` value is
    decrypted, as the CLI does before it runs a program (a wrong passphrase or a damaged value is
    refused), and typed keys are checked on their plaintext; without a passphrase, a typed key that
    holds a secure value is refused with the CLI's message. The program still receives the
    ciphertext as an opaque secret stand-in, so a new `pulumi config set --secret` value is seen as
    a new version and no plaintext reaches an output. Values of a cloud KMS stack cannot be opened
    here: their types are left to the CLI. `text` stands in for the file's content (a planned edit).
    """
    path = project.stack_file(stack)
    doc = _load(path, text) or {}
    if not isinstance(doc, dict):
        raise ProjectError(f"{path}: must be a mapping with a 'config' key")
    raw = doc.get("config") or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path.name}: config", "must be a mapping of keys to values", "write key: value lines")
    values: dict[str, str] = {k: _as_config_string(v) for k, v in project.defaults.items()}
    try:
        decrypter = decrypter_for(doc, path.name)
    except FluxlitSecretsError as exc:
        raise ProjectError(str(exc)) from None
    typed_keys = _typed_keys(project)
    sealed: set[str] = set()
    secret_keys: list[str] = []
    typed: dict[str, tuple[str, bool]] = {}
    written: dict[str, str] = {}
    for key, value in raw.items():
        full = _full_key(project.name, str(key))
        if full in written:
            raise ProjectError(f"{path}: '{written[full]}' and '{key}' are one config key ({full}); keep one of them")
        written[full] = str(key)
        if _malformed_secure(value):
            raise ProjectError(
                f"{path}: {full}: a `secure:` value must be the ciphertext `pulumi config set --secret` "
                "writes; set it again with that command"
            )
        values[full] = _as_config_string(_opaque(value))
        typed[full] = cli_string(value)
        if _has_secure(value):
            secret_keys.append(full)
            typed[full] = cli_string(_opaque(value))
            if decrypter is not None:
                try:
                    typed[full] = cli_string(_revealed(str(key), value, decrypter))
                except FluxlitSecretsError as exc:
                    raise ProjectError(str(exc)) from None
            elif full in typed_keys and is_passphrase_stack(doc):
                raise ProjectError(f"{path}: {key}: a typed key the CLI decrypts to check: {NO_PASSPHRASE}")
            else:
                sealed.add(full)
    try:
        check_stack(stack, list(project.declared), typed, secure=set(secret_keys), sealed=frozenset(sealed))
    except FluxlitSecretsError as exc:
        raise ProjectError(f"{path}: {exc}") from None
    return StackConfig(values=values, secret_keys=sorted(secret_keys), path=path)
