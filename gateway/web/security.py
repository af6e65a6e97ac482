"""Secrets: scrypt password hashes, random tokens kept as SHA-256, HMAC-signed cookies and CSRF tokens.

Standard library only: `hashlib.scrypt` (a memory-hard KDF, per-user random salt)
for passwords; 32-byte random tokens for sessions and API tokens, stored as their
SHA-256 (no KDF needed for secrets with 256 bits of entropy); HMAC-SHA256 with the
configured secret key to sign the session cookie and to derive CSRF tokens
(the signed double-submit pattern).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LEN = 2**14, 8, 1, 32


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=SCRYPT_LEN,
                          maxmem=64 * 1024 * 1024)


def hash_password(password: str) -> str:
    """`scrypt$N$r$p$salt$hash`: the parameters travel with the hash so they can be raised later."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    return hmac.compare_digest(_scrypt(password, _unb64(salt), int(n), int(r), int(p)), _unb64(digest))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _mac(secret: str, purpose: str, value: str) -> str:
    return _b64(hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest())


def sign(secret: str, value: str) -> str:
    """`value.signature`, for the session cookie."""
    return f"{value}.{_mac(secret, 'cookie', value)}"


def unsign(secret: str, signed: str) -> str | None:
    value, _, signature = signed.rpartition(".")
    if not value or not hmac.compare_digest(signature, _mac(secret, "cookie", value)):
        return None
    return value


def csrf_token(secret: str, cookie_value: str) -> str:
    """The form field that must accompany the CSRF cookie: an HMAC of the cookie's random value."""
    return _mac(secret, "csrf", cookie_value)


def csrf_valid(secret: str, cookie_value: str | None, field: str | None) -> bool:
    if not cookie_value or not field:
        return False
    return hmac.compare_digest(field, csrf_token(secret, cookie_value))
