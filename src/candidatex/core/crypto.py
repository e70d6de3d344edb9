"""Field-level encryption of sensitive personal fields at rest (AES-256-GCM).

A model declares a field as `EncryptedStr`; in Python it is a plain string, in MongoDB it is
`enc:v1:<base64(nonce | ciphertext+tag)>`. The key is FIELD_ENCRYPTION_KEY (base64 of 32 bytes) or, when
that is unset, derived from SECRET_KEY with HKDF-SHA256 (so a dev install needs no extra setting; production
should set its own key so that rotating SECRET_KEY does not make stored fields unreadable).
"""

from __future__ import annotations

import base64
import binascii
import os
from typing import Annotated, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import AfterValidator, BeforeValidator

PREFIX = "enc:v1:"
_AAD = b"candidatex.field.v1"


def derive_key(secret_key: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"candidatex-field-encryption",
                info=b"candidatex field encryption v1").derive(secret_key.encode())


def parse_key(encoded: str) -> bytes:
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("FIELD_ENCRYPTION_KEY must be base64 of 32 random bytes") from exc
    if len(key) != 32:
        raise ValueError("FIELD_ENCRYPTION_KEY must be base64 of 32 random bytes")
    return key


class FieldCipher:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), _AAD)
        return PREFIX + base64.b64encode(nonce + sealed).decode()

    def decrypt(self, stored: str) -> str:
        raw = base64.b64decode(stored[len(PREFIX):])
        try:
            return self._aead.decrypt(raw[:12], raw[12:], _AAD).decode()
        except InvalidTag as exc:
            raise ValueError("an encrypted field could not be decrypted (wrong FIELD_ENCRYPTION_KEY?)") from exc


_cipher: FieldCipher | None = None


def configure(secret_key: str, field_key: str | None = None) -> FieldCipher:
    """Called once at app start (create_app) and by the CLI; the model layer reads the process-wide cipher."""
    global _cipher  # noqa: PLW0603 - validators and BSON encoders run without a context to pass it in
    _cipher = FieldCipher(parse_key(field_key) if field_key else derive_key(secret_key))
    return _cipher


def cipher() -> FieldCipher:
    if _cipher is None:
        raise RuntimeError("field encryption is not configured: call candidatex.core.crypto.configure()")
    return _cipher


class SensitiveStr(str):
    """A decrypted value in memory; the BSON encoder below seals it on its way to the database."""

    __slots__ = ()


def _open(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(PREFIX):
        return cipher().decrypt(value)
    return value


def _mark(value: Any) -> Any:
    return SensitiveStr(value) if isinstance(value, str) else value


EncryptedStr = Annotated[str, BeforeValidator(_open), AfterValidator(_mark)]


def mark_sensitive(model: Any, fields: tuple[str, ...]) -> None:
    """Marks plainly assigned values (`user.phone = "..."`, no validation on assignment) for sealing on save."""
    for name in fields:
        value = getattr(model, name, None)
        if isinstance(value, str) and not isinstance(value, SensitiveStr):
            model.__dict__[name] = SensitiveStr(value)


def seal(value: SensitiveStr) -> str:
    return cipher().encrypt(str(value))


def seal_optional(value: str | None) -> str | None:
    """For raw driver writes ($set without Beanie's encoder)."""
    return None if value is None else cipher().encrypt(str(value))


BSON_ENCODERS = {SensitiveStr: seal}
