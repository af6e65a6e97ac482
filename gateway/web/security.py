"""Secrets: PBKDF2 password hashes, random tokens kept as SHA-256, HMAC-signed cookies and CSRF tokens.

Standard library only: PBKDF2-HMAC-SHA256 with 600,000 iterations and a per-user random salt
for passwords (OWASP's Password Storage Cheat Sheet figure for PBKDF2-SHA256); hashes made
earlier (scrypt N=2^14, or fewer iterations) still verify and `needs_rehash` says to replace
them at the next successful login. 32-byte random tokens for sessions and API tokens, stored as their
SHA-256 (no KDF needed for secrets with 256 bits of entropy); HMAC-SHA256 with the
configured secret key to sign the session cookie and to derive CSRF tokens
(the signed double-submit pattern).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCRYPT_LEN = 32
PBKDF2 = "pbkdf2_sha256"
OWASP_ITERATIONS = 600_000
ITERATIONS = OWASP_ITERATIONS  # read at call time: the tests lower it for speed, one test checks this value


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=SCRYPT_LEN,
                          maxmem=64 * 1024 * 1024)


def _pbkdf2(password: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)


def hash_password(password: str) -> str:
    """`pbkdf2_sha256$iterations$salt$hash`: the cost travels with the hash so it can be raised later."""
    salt = secrets.token_bytes(16)
    return f"{PBKDF2}${ITERATIONS}${_b64(salt)}${_b64(_pbkdf2(password, salt, ITERATIONS))}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches; both the current PBKDF2 form and the earlier scrypt form."""
    parts = stored.split("$")
    if parts[0] == PBKDF2 and len(parts) == 4:
        _, iterations, salt, digest = parts
        return hmac.compare_digest(_pbkdf2(password, _unb64(salt), int(iterations)), _unb64(digest))
    if parts[0] == "scrypt" and len(parts) == 6:
        _, n, r, p, salt, digest = parts
        return hmac.compare_digest(_scrypt(password, _unb64(salt), int(n), int(r), int(p)), _unb64(digest))
    return False


def needs_rehash(stored: str) -> bool:
    """A hash of another scheme or a lower cost than today's: replace it once the password is known."""
    parts = stored.split("$")
    return parts[0] != PBKDF2 or len(parts) != 4 or int(parts[1]) < ITERATIONS


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
