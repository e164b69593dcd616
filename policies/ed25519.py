"""Ed25519 signature checks without the `cryptography` package in the process.

Why: the laptop agent only ever *verifies* (bundles and tokens), and `cryptography`
brings its own copy of OpenSSL, ~7 MB of resident memory in a service that has to stay
small. The OpenSSL that Python's `ssl` module has already loaded (for HTTPS to the
console) verifies Ed25519 as well, so on Linux we ask it, through ctypes. Where that
library cannot be found (other systems, unusual builds), `cryptography` does the check
instead: the answer is the same, only the footprint differs. Signing stays with
`cryptography` (the console's business).

A key here is `VerifyKey`: the 32 raw bytes of an Ed25519 public key. Functions that take
keys also accept `cryptography`'s Ed25519PublicKey, so the console and tests can pass
what they have.
"""

from __future__ import annotations

import base64
import ctypes
import sys
import threading
from typing import TYPE_CHECKING, Final, Protocol

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

KEY_BYTES: Final = 32
SIGNATURE_BYTES: Final = 64
# SubjectPublicKeyInfo for Ed25519 (RFC 8410): a fixed 12-byte header, then the key.
SPKI_PREFIX: Final = bytes.fromhex("302a300506032b6570032100")
_NID_ED25519: Final = 1087  # EVP_PKEY_ED25519 in OpenSSL 1.1.1 and 3.x
_LIBCRYPTO_NAMES: Final = ("libcrypto.so.3", "libcrypto.so.1.1")


class _Verifier(Protocol):
    def __call__(self, key: bytes, signature: bytes, message: bytes) -> bool: ...


class VerifyKey:
    """An Ed25519 public key, for checking signatures only."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes) -> None:
        if len(raw) != KEY_BYTES:
            raise ValueError(f"an Ed25519 public key is {KEY_BYTES} bytes, not {len(raw)}")
        self.raw = bytes(raw)

    def verify(self, signature: bytes, message: bytes) -> bool:
        return len(signature) == SIGNATURE_BYTES and _verifier()(self.raw, signature, message)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VerifyKey) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    def __repr__(self) -> str:
        return f"VerifyKey({base64.urlsafe_b64encode(self.raw).decode('ascii')})"


def as_verify_key(key: VerifyKey | Ed25519PublicKey) -> VerifyKey:
    if isinstance(key, VerifyKey):
        return key
    return VerifyKey(key.public_bytes_raw())


def from_pem(pem: bytes | str) -> VerifyKey:
    """The key of a PEM `PUBLIC KEY` block holding an Ed25519 SubjectPublicKeyInfo.
    ValueError for anything else (another algorithm, several blocks, bad base64)."""
    text = pem.decode("ascii", "replace") if isinstance(pem, bytes) else pem
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 3 or lines[0] != "-----BEGIN PUBLIC KEY-----" or lines[-1] != "-----END PUBLIC KEY-----":
        raise ValueError("not a PEM public key (-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----)")
    try:
        der = base64.b64decode("".join(lines[1:-1]), validate=True)
    except ValueError as exc:
        raise ValueError("the PEM public key is not valid base64") from exc
    if len(der) != len(SPKI_PREFIX) + KEY_BYTES or not der.startswith(SPKI_PREFIX):
        raise ValueError("not an Ed25519 public key")
    return VerifyKey(der[len(SPKI_PREFIX) :])


def to_pem(key: VerifyKey) -> str:
    body = base64.b64encode(SPKI_PREFIX + key.raw).decode("ascii")
    return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n"


# -- the two ways to check a signature ----------------------------------------------
_chosen: _Verifier | None = None
_choose_lock = threading.Lock()


def _verifier() -> _Verifier:
    global _chosen
    if _chosen is None:
        with _choose_lock:
            if _chosen is None:
                _chosen = _openssl_verifier() or _cryptography_verify
    return _chosen


def backend() -> str:
    """Which implementation checks signatures in this process (tests ask, to be sure the
    small route is the one in use on Linux)."""
    return "openssl" if _verifier() is not _cryptography_verify else "cryptography"


def _cryptography_verify(key: bytes, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
    except InvalidSignature:
        return False
    return True


def _openssl_verifier() -> _Verifier | None:
    """OpenSSL's EVP_DigestVerify for Ed25519, from the libcrypto `ssl` already uses;
    None when it is not there or lacks the functions (then `cryptography` checks)."""
    if not sys.platform.startswith("linux"):
        return None
    import ssl  # noqa: F401 - loads the libcrypto we then find by name (no second copy)

    for name in _LIBCRYPTO_NAMES:
        try:
            lib = ctypes.CDLL(name)
            return _bind(lib)
        except (OSError, AttributeError):
            continue
    return None


def _bind(lib: ctypes.CDLL) -> _Verifier:
    c_void_p, c_char_p, c_size_t, c_int = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int
    new_key = lib.EVP_PKEY_new_raw_public_key
    new_key.restype, new_key.argtypes = c_void_p, [c_int, c_void_p, c_char_p, c_size_t]
    free_key = lib.EVP_PKEY_free
    free_key.restype, free_key.argtypes = None, [c_void_p]
    new_ctx = lib.EVP_MD_CTX_new
    new_ctx.restype, new_ctx.argtypes = c_void_p, []
    free_ctx = lib.EVP_MD_CTX_free
    free_ctx.restype, free_ctx.argtypes = None, [c_void_p]
    init = lib.EVP_DigestVerifyInit
    init.restype, init.argtypes = c_int, [c_void_p, c_void_p, c_void_p, c_void_p, c_void_p]
    check = lib.EVP_DigestVerify
    check.restype, check.argtypes = c_int, [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t]
    clear_errors = lib.ERR_clear_error
    clear_errors.restype, clear_errors.argtypes = None, []

    def verify(key: bytes, signature: bytes, message: bytes) -> bool:
        pkey = new_key(_NID_ED25519, None, key, len(key))
        ctx = new_ctx() if pkey else None
        try:
            if not pkey or not ctx or init(ctx, None, None, None, pkey) != 1:
                return False  # a key OpenSSL will not take verifies nothing: fail closed
            # 1: valid; 0: does not verify; below 0: malformed (e.g. not a curve point).
            return bool(check(ctx, signature, len(signature), message, len(message)) == 1)
        finally:
            if ctx:
                free_ctx(ctx)
            if pkey:
                free_key(pkey)
            # Defensive: whatever a refused check leaves in this thread's OpenSSL error
            # queue must not surface as the next TLS call's error (OpenSSL 3.0 leaves
            # none for a bad signature, but that is not a documented promise).
            clear_errors()

    return verify
