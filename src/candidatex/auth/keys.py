"""The RS256 key pair that signs tokens, and its public half as a JWKS for other services.

From configuration (JWT_PRIVATE_KEY as PEM text, or JWT_PRIVATE_KEY_FILE), else generated once into the data
folder (mode 0600) so tokens survive restarts. Public keys of retired pairs (JWT_PREVIOUS_PUBLIC_KEYS) stay in
the JWKS so tokens signed before a rotation can still be checked by other services.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ALGORITHM = "RS256"
KEY_FILE_NAME = "jwt_private_key.pem"


def _kid(public_key: rsa.RSAPublicKey) -> str:
    """RFC 7638 thumbprint: the same key always gets the same id."""
    numbers = public_key.public_numbers()

    def b64(value: int) -> str:
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    canonical = json.dumps({"e": b64(numbers.e), "kty": "RSA", "n": b64(numbers.n)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def _jwk(public_key: rsa.RSAPublicKey) -> dict[str, Any]:
    jwk = json.loads(RSAAlgorithm.to_jwk(public_key))
    return {**jwk, "kid": _kid(public_key), "use": "sig", "alg": ALGORITHM}


def _public_pem(public_key: rsa.RSAPublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@dataclass
class SigningKeys:
    private_pem: str
    public_pem: str
    kid: str
    previous_public: list[rsa.RSAPublicKey] = field(default_factory=list)
    _public: rsa.RSAPublicKey | None = None
    _private: rsa.RSAPrivateKey | None = None  # parsed once: loading the PEM costs more than signing with it

    @property
    def signing_key(self) -> rsa.RSAPrivateKey | str:
        return self._private if self._private is not None else self.private_pem

    @property
    def verifying_key(self) -> rsa.RSAPublicKey | str:
        return self._public if self._public is not None else self.public_pem

    @classmethod
    def from_private_pem(cls, pem: str, previous_public_pems: list[str] | None = None) -> SigningKeys:
        private = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise ValueError("JWT_PRIVATE_KEY must be an RSA private key in PEM form")
        public = private.public_key()
        previous = []
        for item in previous_public_pems or []:
            key = serialization.load_pem_public_key(item.encode())
            if not isinstance(key, rsa.RSAPublicKey):
                raise ValueError("JWT_PREVIOUS_PUBLIC_KEYS must hold RSA public keys in PEM form")
            previous.append(key)
        return cls(private_pem=pem, public_pem=_public_pem(public), kid=_kid(public), previous_public=previous,
                   _public=public, _private=private)

    def jwks(self) -> dict[str, Any]:
        assert self._public is not None
        return {"keys": [_jwk(self._public), *(_jwk(k) for k in self.previous_public)]}


def generate_private_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _stored_key(path: Path) -> str:
    if path.exists():
        return path.read_text()
    path.parent.mkdir(parents=True, exist_ok=True)
    # written 0600 from the start under a private name, then linked into place: readers never see half a key,
    # and of two workers starting together on one data folder the first link wins and both use that key
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(generate_private_pem())
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text()


def load_signing_keys(private_key: str | None, private_key_file: Path | None, data_dir: Path,
                      previous_public: list[str] | None = None) -> SigningKeys:
    if private_key:
        pem = private_key.replace("\\n", "\n")  # one-line env values
    elif private_key_file:
        pem = Path(private_key_file).read_text()
    else:
        pem = _stored_key(Path(data_dir) / KEY_FILE_NAME)
    return SigningKeys.from_private_pem(pem, previous_public)
