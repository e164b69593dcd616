"""The console's Ed25519 signing keys: files in `<instance>/keys/<kid>/`, ids in the db.

The newest unretired key signs. `rotate` makes a new key and retires the old one,
which stays among the public keys laptops trust until the last token it signed has
expired, so rotation never cuts off an exception that is running.
"""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import Grant, SigningKey
from policies.keys import key_id, load_private_key, public_pem, write_key_pair


class KeyError_(LookupError):
    """No usable signing key (the console was not initialised)."""


def keys_dir(instance: Path) -> Path:
    return instance / "keys"


def create_key(instance: Path, db: Session, now: float) -> str:
    """A fresh key pair on disk and its id in the db; returns the kid."""
    scratch = keys_dir(instance) / f"new-{secrets.token_hex(8)}"
    private_path, _public = write_key_pair(scratch)
    kid = key_id(load_private_key(private_path.read_bytes()).public_key())
    scratch.rename(keys_dir(instance) / kid)
    db.add(SigningKey(kid=kid, created_at=now))
    return kid


def rotate(instance: Path, db: Session, now: float) -> tuple[str, list[str]]:
    """Make a new signing key and retire the others; returns (new kid, retired kids)."""
    retiring = list(db.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))))
    kid = create_key(instance, db, now)
    for key in retiring:
        key.retired_at = now
    return kid, [key.kid for key in retiring]


def active_key(instance: Path, db: Session) -> tuple[str, Ed25519PrivateKey]:
    kid = db.scalar(
        select(SigningKey.kid)
        .where(SigningKey.retired_at.is_(None))
        .order_by(SigningKey.created_at.desc(), SigningKey.kid)
        .limit(1)
    )
    if kid is None:
        raise KeyError_("there is no signing key: run `classguard-console --instance DIR init` first")
    return kid, _load(str(keys_dir(instance) / kid / "signing-key.pem"))


def trusted_kids(db: Session, now: float) -> list[str]:
    """The active key, then retired keys that still signed a token that has not expired.
    Every sync asks: the grants table (a school year of them) is only searched when a
    retired key exists, and then only its unexpired rows (Grant.exp is indexed)."""
    keys = list(db.scalars(select(SigningKey).order_by(SigningKey.created_at.desc(), SigningKey.kid)))
    retired = [key.kid for key in keys if key.retired_at is not None]
    live: set[str] = set()
    if retired:
        live = set(db.scalars(select(Grant.kid).where(Grant.exp > now, Grant.kid.in_(retired)).distinct()))
    return [key.kid for key in keys if key.retired_at is None or key.kid in live]


def public_keys(instance: Path, db: Session, now: float) -> list[str]:
    return [_public_pem(str(keys_dir(instance) / kid / "signing-key.pem")) for kid in trusted_kids(db, now)]


@cache
def _public_pem(path: str) -> str:
    return public_pem(_load(path).public_key())


@cache
def _load(path: str) -> Ed25519PrivateKey:
    return load_private_key(Path(path).read_bytes())
