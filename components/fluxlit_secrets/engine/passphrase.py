"""Decrypt a passphrase stack's `secure:` values as the Pulumi CLI does (pkg/secrets/passphrase, v3.276).

The stack file's `encryptionsalt` is `v1:<salt base64>:<ciphertext of "pulumi">`; the key is
PBKDF2-HMAC-SHA256 of the passphrase and salt (1,000,000 rounds, 32 bytes); each value is
`v1:<nonce base64>:<AES-256-GCM ciphertext base64>`. The passphrase comes from
PULUMI_CONFIG_PASSPHRASE or the file PULUMI_CONFIG_PASSPHRASE_FILE names, as for the CLI.
A plaintext never leaves this module in an error.
"""

import base64
import binascii
import functools
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fluxlit_secrets.errors import FluxlitSecretsError
from fluxlit_secrets.model.masking import remember

ROUNDS = 1_000_000
#: The CLI's message when a passphrase stack must be decrypted and no passphrase is set.
NO_PASSPHRASE = (
    "passphrase must be set with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables"
)


class PassphraseError(FluxlitSecretsError):
    """The stack's values cannot be decrypted (no passphrase, a wrong one, or a damaged ciphertext)."""


def passphrase_from(env: Mapping[str, str]) -> str | None:
    """The passphrase the CLI would use, or None when neither variable is set."""
    if "PULUMI_CONFIG_PASSPHRASE" in env:
        return env["PULUMI_CONFIG_PASSPHRASE"]
    name = env.get("PULUMI_CONFIG_PASSPHRASE_FILE")
    if not name:
        return None
    try:
        return Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PassphraseError(
            f"PULUMI_CONFIG_PASSPHRASE_FILE: cannot read {name} ({type(exc).__name__}); point it at a readable file"
        ) from None


@functools.lru_cache(maxsize=8)
def _key(phrase: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", phrase.encode(), salt, ROUNDS, 32)


def _open(key: bytes, ciphertext: str) -> str:
    """One `v1:<nonce>:<sealed>` value; ValueError when it is not one or does not open with `key`."""
    version, _, rest = ciphertext.partition(":")
    nonce_b64, _, sealed_b64 = rest.partition(":")
    if version != "v1" or not nonce_b64 or not sealed_b64:
        raise ValueError("not a v1 ciphertext")
    try:
        nonce = base64.b64decode(nonce_b64, validate=True)
        sealed = base64.b64decode(sealed_b64, validate=True)
        return AESGCM(key).decrypt(nonce, sealed, None).decode()
    except (binascii.Error, InvalidTag, UnicodeDecodeError) as exc:
        raise ValueError(type(exc).__name__) from None


class Decrypter:
    """The crypter of one passphrase stack, checked against its `encryptionsalt` when made."""

    def __init__(self, phrase: str, state: str, where: str) -> None:
        version, _, rest = state.partition(":")
        salt_b64, _, check = rest.partition(":")
        if version != "v1" or not check:
            raise PassphraseError(f"{where}: encryptionsalt is malformed; recreate the stack's secrets provider")
        try:
            salt = base64.b64decode(salt_b64, validate=True)
        except binascii.Error:
            raise PassphraseError(
                f"{where}: encryptionsalt is malformed; recreate the stack's secrets provider"
            ) from None
        self._key = _key(phrase, salt)
        self._where = where
        try:
            if _open(self._key, check) == "pulumi":
                return
        except ValueError:
            pass
        raise PassphraseError(
            f"{where}: incorrect passphrase; export the PULUMI_CONFIG_PASSPHRASE this stack was made with"
        )

    def decrypt(self, key: str, ciphertext: str) -> str:
        """The plaintext of config `key`'s ciphertext, or a one-line error that names only the key."""
        try:
            plaintext = _open(self._key, ciphertext)
        except ValueError:
            raise PassphraseError(
                f"{self._where}: {key}: the `secure:` value does not decrypt with this stack's passphrase; "
                f"set it again with `pulumi config set --secret {key}`"
            ) from None
        remember([plaintext])
        return plaintext


def decrypter_for(doc: Mapping[str, object], where: str, env: Mapping[str, str] | None = None) -> Decrypter | None:
    """The stack's decrypter when it is a passphrase stack and a passphrase is set; None otherwise
    (a cloud KMS stack, whose values only the CLI with credentials can open, or no passphrase)."""
    provider = doc.get("secretsprovider")
    state = doc.get("encryptionsalt")
    if provider not in (None, "passphrase") or not isinstance(state, str):
        return None
    phrase = passphrase_from(os.environ if env is None else env)
    return None if phrase is None else Decrypter(phrase, state, where)


def is_passphrase_stack(doc: Mapping[str, object]) -> bool:
    """True when the CLI would ask for a passphrase to open this stack's values."""
    return doc.get("secretsprovider") in (None, "passphrase") and isinstance(doc.get("encryptionsalt"), str)
