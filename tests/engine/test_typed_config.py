"""Typed project config as the CLI's mergeConfig and validateStackConfigValues enforce it: required
keys typed or not, `secret: true`, secure values decrypted and type-checked, the CLI's messages.
tests/e2e/test_engine_agrees.py runs the same table under the real CLI."""

import base64
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fluxlit_secrets.cli import main
from fluxlit_secrets.engine.passphrase import _key

PHRASE = "fluxlit-typed"
SALT = b"\x01\x02\x03\x04\x05\x06\x07\x08"


def seal(plaintext: str, phrase: str = PHRASE, salt: bytes = SALT) -> str:
    """A `v1:nonce:ciphertext` as `pulumi config set --secret` writes it on a passphrase stack."""
    nonce = os.urandom(12)
    sealed = AESGCM(_key(phrase, salt)).encrypt(nonce, plaintext.encode(), None)
    return f"v1:{base64.b64encode(nonce).decode()}:{base64.b64encode(sealed).decode()}"


def salt_state(phrase: str = PHRASE, salt: bytes = SALT) -> str:
    """A stack's `encryptionsalt`: the salt and "pulumi" sealed with the passphrase."""
    return f"v1:{base64.b64encode(salt).decode()}:{seal('pulumi', phrase, salt)}"


def salt_of(state: str) -> bytes:
    """The salt of an `encryptionsalt` the CLI wrote."""
    return base64.b64decode(state.split(":")[1])


#: (project config block, stack config lines, None when both engines accept, else the CLI's words).
CASES: dict[str, tuple[str, str, str | None]] = {
    "untyped-key-required": ("  owner: {description: who}", "", "Stack 'dev' is missing configuration value 'owner'"),
    "missing-sorted": (
        "  zeta: {type: string}\n  alpha: {description: a}\n  mid: {type: integer}",
        "",
        "Stack 'dev' is missing configuration values 'alpha', 'mid' and 'zeta'",
    ),
    "foreign-key-with-value-not-required": ("  aws:region: {value: eu-west-1}", "", None),
    "secret-in-plaintext": (
        "  token: {type: string, secret: true}",
        "  ledger-app:token: plain",
        "Stack 'dev' with configuration key 'token' must be encrypted as it's secret",
    ),
    "secret-default-in-plaintext": (
        "  token: {type: string, secret: true, default: local}",
        "",
        "Stack 'dev' with configuration key 'token' must be encrypted as it's secret",
    ),
    "secret-encrypted": ("  token: {type: string, secret: true}", "  ledger-app:token: {secure: SEAL:hunter2}", None),
    "secure-integer-ok": ("  port: {type: integer}", "  ledger-app:port: {secure: SEAL:8443}", None),
    "secure-integer-bad": (
        "  port: {type: integer}",
        "  ledger-app:port: {secure: SEAL:eighty-four-forty-three}",
        "Stack 'dev' with configuration key 'port' must be of type 'integer'",
    ),
    "secure-boolean-bad": (
        "  flag: {type: boolean}",
        "  ledger-app:flag: {secure: SEAL:yes}",
        "Stack 'dev' with configuration key 'flag' must be of type 'boolean'",
    ),
    "untyped-secure": ("", "  ledger-app:anything: {secure: SEAL:x}", None),
}


def write_project(root: Path, block: str, config: str, *, state: str | None = None, phrase: str = PHRASE) -> Path:
    """Pulumi.yaml with `block` as its config and Pulumi.dev.yaml with `config`, each `SEAL:text`
    sealed for the stack's `state` (its encryptionsalt) and passphrase."""
    state = state or salt_state(phrase)
    config_block = f"config:\n{block}\n" if block else ""
    (root / "Pulumi.yaml").write_text(
        (root / "Pulumi.yaml").read_text(encoding="utf-8") + config_block
        if (root / "Pulumi.yaml").exists()
        else f"name: ledger-app\nruntime: python\n{config_block}",
        encoding="utf-8",
    )
    (root / "__main__.py").write_text("import pulumi\n", encoding="utf-8")
    lines = []
    for line in config.splitlines():
        start, end = line.find("SEAL:"), line.find("}")
        sealed = seal(line[start + 5 : end], phrase, salt_of(state)) if start >= 0 else ""
        lines.append(line[:start] + sealed + line[end:] if start >= 0 else line)
    body = "\n".join(lines) or "  {}"
    (root / "Pulumi.dev.yaml").write_text(f"encryptionsalt: {state}\nconfig:\n{body}\n", encoding="utf-8")
    return root


def project(tmp_path: Path, block: str, config: str) -> Path:
    return write_project(tmp_path, block, config)


def synth(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["synth", "--stack", "dev", "--project-dir", str(root), "--out", str(root / "out")])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("case", sorted(CASES))
def test_typed_config_is_judged_as_the_cli_judges_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", PHRASE)
    block, config, words = CASES[case]
    code, err = synth(project(tmp_path, block, config), capsys)
    if words is None:
        assert code == 0, err
    else:
        assert code == 2 and words in err and err.count("\n") == 1, err


def test_a_secure_value_is_checked_on_its_plaintext_which_is_never_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", PHRASE)
    code, err = synth(
        project(tmp_path, "  port: {type: integer}", "  ledger-app:port: {secure: SEAL:Zq9-not-a-port}"), capsys
    )
    assert code == 2 and "must be of type 'integer'" in err
    assert "Zq9-not-a-port" not in err and "Zq9-not-a-port" not in capsys.readouterr().out


def test_the_passphrase_file_is_read_like_the_cli_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "phrase").write_text(PHRASE, encoding="utf-8")
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE", raising=False)
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE_FILE", str(tmp_path / "phrase"))
    (tmp_path / "p").mkdir()
    code, err = synth(project(tmp_path / "p", "  port: {type: integer}", "  ledger-app:port: {secure: SEAL:x}"), capsys)
    assert code == 2 and "must be of type 'integer'" in err


def test_a_wrong_passphrase_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "not-" + PHRASE)
    code, err = synth(project(tmp_path, "", "  ledger-app:anything: {secure: SEAL:x}"), capsys)
    assert code == 2 and "incorrect passphrase" in err and err.count("\n") == 1


def test_a_damaged_secure_value_is_refused_by_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", PHRASE)
    code, err = synth(
        project(tmp_path, "", "  ledger-app:anything: {secure: v1:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBB}"), capsys
    )
    assert code == 2 and "ledger-app:anything" in err and "does not decrypt" in err


def test_a_typed_secure_key_needs_the_passphrase_an_untyped_one_does_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE", raising=False)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE_FILE", raising=False)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    code, err = synth(project(tmp_path / "a", "  port: {type: integer}", "  ledger-app:port: {secure: SEAL:5}"), capsys)
    assert code == 2 and "passphrase must be set with PULUMI_CONFIG_PASSPHRASE" in err and "ledger-app:port" in err
    code, err = synth(project(tmp_path / "b", "", "  ledger-app:anything: {secure: SEAL:x}"), capsys)
    assert code == 0, err


def test_a_cloud_kms_stack_leaves_secure_types_to_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", PHRASE)
    root = project(tmp_path, "  port: {type: integer}", "  ledger-app:port: {secure: SEAL:not-a-number}")
    stack = root / "Pulumi.dev.yaml"
    text = stack.read_text(encoding="utf-8").split("\n", 1)[1]
    stack.write_text(f"secretsprovider: awskms://alias/ledger?region=eu-west-1\nencryptedkey: QUJD\n{text}")
    code, err = synth(root, capsys)
    assert code == 0, err
