"""Does a name or a literal look like a secret? (Heuristics shared by the rules.)"""

import math
import re
from collections import Counter

from fluxlit_secrets.errors import one_line

SECRET_NAME = re.compile(
    r"(SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH_?KEY|SIGNING_?KEY"
    r"|(^|_)(PASS|PWD|PW|KEY|DSN|SALT)$)",  # DB_PASS, DB_PWD, STRIPE_KEY, SENTRY_DSN
    re.IGNORECASE,
)
SECRET_VALUE = re.compile(
    r"(AKIA|ASIA)[0-9A-Z]{16}"  # AWS access key id
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----"  # PEM private key
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\."  # JWT
    r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{30,}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"  # Slack
    r"|sk_live_[A-Za-z0-9]{16,}"  # Stripe
    r"|AIza[0-9A-Za-z_-]{35}"  # Google API key
)
NOT_SECRET_VALUE = re.compile(r"^(true|false|yes|no|on|off|\d+(\.\d+)?|)$|://|^/|\s", re.IGNORECASE)


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def looks_random(value: str) -> bool:
    """A long, high-entropy token (a generated key), not prose, a path or a URL."""
    return (
        len(value) >= 24
        and not NOT_SECRET_VALUE.search(value)
        and re.fullmatch(r"[A-Za-z0-9+/=_.~-]+", value) is not None
        and entropy(value) >= 4.0
        and sum(c.isdigit() for c in value) >= 2
        and any(c.isalpha() for c in value)
    )


def secret_literal(name: str, value: object) -> bool:
    """A literal that should have been a secret: a secret-looking value, or a value under a secret name."""
    if not isinstance(value, str) or not value:
        return False
    if SECRET_VALUE.search(value) or looks_random(value):
        return True
    return bool(SECRET_NAME.search(name)) and len(value) >= 8 and not NOT_SECRET_VALUE.search(value)


#: Shapes a secret takes that entropy alone does not catch: a UUID, a run of hex digits, a
#: passphrase (three or more words).
SECRET_SHAPE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[0-9a-fA-F]{16,}"
    r"|\S+\s+\S+\s+\S+.*"
)


def shown(value: object, limit: int = 40) -> str:
    """A short, printable rendering of a received value for an error message.

    A value that looks like a secret (pasted into the wrong key: a token, a UUID, hex digits, a
    passphrase) is not shown: error lines end up in CI logs.
    """
    if isinstance(value, str) and (secret_literal("", value) or SECRET_SHAPE.search(value)):
        return "(a secret-looking value, not shown)"
    if type(value).__name__ == "Output":
        # From another language: a secret or unknown value where the model needs a plain one.
        return "a secret or unknown value (an Output), where a plain value decides what is created"
    text = one_line(repr(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


REDACTED = "[redacted]"
_TOKEN = re.compile(r"[A-Za-z0-9+/=_.~-]{8,}")


def redact_text(text: str) -> str:
    """`text` with every secret-looking token replaced by "[redacted]": the one filter every line the
    CLI prints goes through (errors, relayed program exceptions, keys a user chose)."""
    text = SECRET_VALUE.sub(REDACTED, text)
    return _TOKEN.sub(lambda m: REDACTED if looks_random(m.group(0)) else m.group(0), text)


def redact_key(part: str) -> str:
    """A key a user chose (a secret or config key name), or "[redacted]" when it looks like a secret."""
    return REDACTED if secret_literal("", part) else part
