"""Field-level encryption of sensitive personal fields at rest (AES-256-GCM).

A model declares a field as `EncryptedStr`; in Python it is a plain string, in MongoDB it is
`enc:v1:<base64(nonce | ciphertext+tag)>`. The sealing key is the first of FIELD_ENCRYPTION_KEYS, else
FIELD_ENCRYPTION_KEY (base64 of 32 bytes), else derived from SECRET_KEY with HKDF-SHA256 (a dev install needs
no extra setting). A keyring opens what older keys sealed: the rest of FIELD_ENCRYPTION_KEYS, keys derived
from SECRET_KEY_PREVIOUS, and the SECRET_KEY-derived key once an explicit key is set. So a key change never
makes a stored field unreadable; `candidatex rotate-keys` then re-seals everything under the current key.
A value no key opens reads as None (logged), never as a 500.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
from collections.abc import Sequence
from typing import Annotated, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import AfterValidator, BeforeValidator

logger = logging.getLogger(__name__)
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


class UnreadableField(ValueError):
    """No key of the keyring opens this value."""


class FieldCipher:
    def __init__(self, key: bytes, previous: Sequence[bytes] = ()) -> None:
        self._aead = AESGCM(key)
        unique = [k for i, k in enumerate(previous) if k != key and k not in previous[:i]]
        self._keyring = [self._aead, *(AESGCM(k) for k in unique)]

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), _AAD)
        return PREFIX + base64.b64encode(nonce + sealed).decode()

    def _open_with(self, stored: str) -> tuple[str, bool]:
        """The plaintext, and whether the current key sealed it."""
        try:
            raw = base64.b64decode(stored[len(PREFIX):])
        except (binascii.Error, ValueError) as exc:
            raise UnreadableField("an encrypted field is damaged") from exc
        for index, aead in enumerate(self._keyring):
            try:
                return aead.decrypt(raw[:12], raw[12:], _AAD).decode(), index == 0
            except InvalidTag:
                continue
        raise UnreadableField("an encrypted field could not be decrypted by any key (FIELD_ENCRYPTION_KEYS / "
                              "SECRET_KEY_PREVIOUS?)")

    def decrypt(self, stored: str) -> str:
        return self._open_with(stored)[0]

    def reseal(self, stored: str) -> str | None:
        """The value sealed under the current key, or None when it already is."""
        plaintext, current = self._open_with(stored)
        return None if current else self.encrypt(plaintext)


_cipher: FieldCipher | None = None


def configure(secret_key: str, field_key: str | None = None, *, field_keys: Sequence[str] = (),
              previous_secret_keys: Sequence[str] = ()) -> FieldCipher:
    """Called at app start (create_app) and by the CLI; the model layer reads the process-wide cipher."""
    global _cipher  # noqa: PLW0603 - validators and BSON encoders run without a context to pass it in
    explicit = [parse_key(k) for k in field_keys] + ([parse_key(field_key)] if field_key else [])
    derived = [derive_key(secret_key)] + [derive_key(k) for k in previous_secret_keys]
    ring = explicit + derived  # the first explicit key, else the SECRET_KEY-derived one, seals
    _cipher = FieldCipher(ring[0], ring[1:])
    return _cipher


def configure_from_settings(settings: Any) -> FieldCipher:
    return configure(settings.secret_key, settings.field_encryption_key, field_keys=settings.field_encryption_keys,
                     previous_secret_keys=settings.secret_key_previous)


def cipher() -> FieldCipher:
    if _cipher is None:
        raise RuntimeError("field encryption is not configured: call candidatex.core.crypto.configure()")
    return _cipher


class SensitiveStr(str):
    """A decrypted value in memory; the BSON encoder below seals it on its way to the database."""

    __slots__ = ()


def _open(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(PREFIX):
        try:
            return cipher().decrypt(value)
        except UnreadableField:
            logger.warning("an encrypted field could not be opened by any configured key; it reads as empty")
            return None
    return value


def _mark(value: Any) -> Any:
    return SensitiveStr(value) if isinstance(value, str) else value


# `str | None` inside: a value no key opens reads as None instead of failing validation (a 500 on every read)
EncryptedStr = Annotated[str | None, BeforeValidator(_open), AfterValidator(_mark)]


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


def sealed_fields(model: Any) -> list[str]:
    """The fields a document model declares as EncryptedStr (optional or not)."""
    names = []
    for name, info in model.model_fields.items():
        validators = list(info.metadata)
        for arg in getattr(info.annotation, "__args__", ()):  # EncryptedStr | None
            validators += list(getattr(arg, "__metadata__", ()))
        if any(getattr(v, "func", None) is _open for v in validators):
            names.append(name)
    return names


async def rotate_sealed_fields(models: list[type[Any]]) -> dict[str, int]:
    """`candidatex rotate-keys`: every sealed value not under the current key is re-sealed under it, and a
    value stored before its field was sealed gets sealed. Compare-and-set per value: a concurrent write wins."""
    counts: dict[str, int] = {}
    for model in models:
        fields = sealed_fields(model)
        if not fields:
            continue
        collection = model.get_pymongo_collection()
        changed = 0
        query = {"$or": [{f: {"$type": "string"}} for f in fields]}
        async for doc in collection.find(query, {f: 1 for f in fields}):
            for name in fields:
                value = doc.get(name)
                if not isinstance(value, str):
                    continue
                try:
                    new = cipher().reseal(value) if value.startswith(PREFIX) else cipher().encrypt(value)
                except UnreadableField:
                    logger.warning("a sealed field opens with no configured key; left as it is",
                                   extra={"collection": model.get_collection_name(), "field": name})
                    continue
                if new is not None:
                    result = await collection.update_one({"_id": doc["_id"], name: value}, {"$set": {name: new}})
                    changed += result.modified_count
        counts[model.get_collection_name()] = changed
    return counts
