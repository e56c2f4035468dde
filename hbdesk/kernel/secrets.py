"""Secrets at rest: Fernet (AES-CBC + HMAC) with a key derived from CONFIG_PASSWORD.

The key comes from scrypt over the password and a random salt kept in the database, beside a
verifier token. Opening with the wrong password fails on the verifier before anything is read
or written, so existing secrets are never touched by a mistyped password.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from hbdesk.kernel.db import Database
from hbdesk.kernel.errors import ConfigPasswordError
from hbdesk.kernel.meta import read_meta, write_meta

SALT_KEY = "secrets.salt"
VERIFIER_KEY = "secrets.verifier"
VERIFIER_PLAINTEXT = b"hbdesk secrets v1"


def derive_key(password: str, salt: bytes) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1)
    return base64.urlsafe_b64encode(kdf.derive(password.encode()))


class SecretBox:
    """Encrypts and decrypts JSON-able values with the desk's key."""

    def __init__(self, fernet: Fernet) -> None:
        self._fernet = fernet

    def __repr__(self) -> str:
        return "SecretBox(<key hidden>)"

    @classmethod
    async def open(cls, db: Database, password: str, location: str = "the database") -> SecretBox:
        stored = await read_meta(db, SALT_KEY, VERIFIER_KEY)
        if SALT_KEY in stored:
            salt = base64.b64decode(stored[SALT_KEY])
            key = await asyncio.to_thread(derive_key, password, salt)
            box = cls(Fernet(key))
            try:
                box._fernet.decrypt(stored[VERIFIER_KEY].encode())
            except InvalidToken:
                raise ConfigPasswordError(
                    f"CONFIG_PASSWORD does not open the secrets stored in {location}. "
                    "Start again with the password they were saved with; nothing was changed."
                ) from None
            return box
        salt = os.urandom(16)
        key = await asyncio.to_thread(derive_key, password, salt)
        box = cls(Fernet(key))
        verifier = box._fernet.encrypt(VERIFIER_PLAINTEXT).decode()
        await write_meta(db, {SALT_KEY: base64.b64encode(salt).decode(), VERIFIER_KEY: verifier})
        return box

    def encrypt(self, value: Any) -> str:
        return self._fernet.encrypt(json.dumps(value).encode()).decode()

    def decrypt(self, token: str) -> Any:
        return json.loads(self._fernet.decrypt(token.encode()))
