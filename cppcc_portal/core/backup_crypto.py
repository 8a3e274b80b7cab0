"""Encryption of backup files: AES-256-GCM in authenticated chunks, streamed (no size limit in memory).

A file is a header and chunks:

    header = b"CPPCCBK1" | key fingerprint (8 bytes) | salt (16 bytes)
    chunk  = length of the sealed chunk (4 bytes, big-endian) | AES-GCM(chunk of ≤ 1 MiB)

Each file gets its own AES key, derived with HKDF-SHA256 from BACKUP_KEY and the file's random salt.
A chunk's nonce is its position and a flag marking the last chunk, and the header is authenticated
with every chunk, so a changed, reordered, removed or appended byte or chunk (a truncated file
included) fails to decrypt. The fingerprint names which key encrypted the file, so a wrong key is
told apart from a damaged file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
from collections.abc import Iterable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"CPPCCBK1"
SALT_BYTES = 16
FINGERPRINT_BYTES = 8
HEADER_BYTES = len(MAGIC) + FINGERPRINT_BYTES + SALT_BYTES
CHUNK_BYTES = 1024 * 1024
TAG_BYTES = 16
LENGTH = struct.Struct(">I")


class BackupError(Exception):
    """A backup, restore or drill that cannot go on; the message says why and what to do."""


class BackupKeyError(BackupError):
    """The file was encrypted with a key that is not configured."""


class BackupTampered(BackupError):
    """The file was changed or damaged after it was written."""


def _raw(key: str) -> bytes:
    return base64.urlsafe_b64decode(key.encode("ascii"))


def fingerprint(key: str) -> str:
    """A short public name of a key (hex), written into every file it encrypts."""
    return hmac.new(_raw(key), b"cppcc backup key fingerprint", hashlib.sha256).hexdigest()[
        : FINGERPRINT_BYTES * 2
    ]


def _file_cipher(key: str, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"cppcc backup v1").derive(_raw(key))
    return AESGCM(derived)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def encrypt_file(source: Path, target: Path, key: str) -> None:
    """Encrypt `source` into `target` (written whole or not at all: a .part file renamed at the end)."""
    salt = os.urandom(SALT_BYTES)
    header = MAGIC + bytes.fromhex(fingerprint(key)) + salt
    cipher = _file_cipher(key, salt)
    partial = target.with_name(target.name + ".part")
    try:
        with source.open("rb") as plain, partial.open("wb") as sealed:
            partial.chmod(0o600)
            sealed.write(header)
            index = 0
            chunk = plain.read(CHUNK_BYTES)
            while True:
                following = plain.read(CHUNK_BYTES)
                last = not following
                box = cipher.encrypt(_nonce(index, last), chunk, header)
                sealed.write(LENGTH.pack(len(box)) + box)
                if last:
                    break
                chunk, index = following, index + 1
            sealed.flush()
            os.fsync(sealed.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def decrypt_file(source: Path, target: Path, keys: Iterable[str]) -> str:
    """Decrypt `source` into `target` with whichever of `keys` encrypted it; its fingerprint is returned.

    Raises BackupKeyError when none of the keys did, BackupTampered when the file was changed (what
    was written to `target` until then must be thrown away: callers decrypt into a temporary folder).
    """
    keys = [key for key in keys if key]
    if not keys:
        raise BackupKeyError("BACKUP_KEY is not set: the backups cannot be decrypted without it")
    try:
        with source.open("rb") as sealed, target.open("wb") as plain:
            header = sealed.read(HEADER_BYTES)
            if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
                raise BackupError(f"{source} is not an encrypted backup of this portal")
            used = header[len(MAGIC) : len(MAGIC) + FINGERPRINT_BYTES].hex()
            key = next((k for k in keys if hmac.compare_digest(fingerprint(k), used)), None)
            if key is None:
                raise BackupKeyError(
                    f"{source.name} was encrypted with another key (fingerprint {used}) than BACKUP_KEY "
                    f"({fingerprint(keys[0])}) or BACKUP_OLD_KEYS: set the key it was made with"
                )
            cipher = _file_cipher(key, header[-SALT_BYTES:])
            index = 0
            while True:
                length = sealed.read(LENGTH.size)
                if len(length) < LENGTH.size:
                    raise BackupTampered(f"{source.name} is cut short: its last part is missing")
                (size,) = LENGTH.unpack(length)
                box = sealed.read(size)
                if size < TAG_BYTES or size > CHUNK_BYTES + TAG_BYTES or len(box) != size:
                    raise BackupTampered(f"{source.name} is damaged or altered (part {index + 1})")
                for last in (False, True):
                    try:
                        plain.write(cipher.decrypt(_nonce(index, last), box, header))
                        break
                    except InvalidTag:
                        continue
                else:
                    raise BackupTampered(
                        f"{source.name} has been altered or damaged: part {index + 1} fails its "
                        "authentication check"
                    )
                if last:
                    if sealed.read(1):
                        raise BackupTampered(f"{source.name} has data appended after its end")
                    return used
                index += 1
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror or exc}") from None
