"""The operator PIN: stored as a salted scrypt hash, with a lockout after repeated wrong tries.

No Textual here: the CLI (`kiosk set-pin`) hashes with the same code the PIN screen checks with.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

# scrypt cost: ~50 ms per check, enough to make a stolen hash slow to brute-force for a short PIN
# without making the operator wait.
_N, _R, _P = 2**14, 8, 1
_PREFIX = "scrypt"

MAX_TRIES = 3
LOCKOUT_SECONDS = 300.0


class PinFormatError(ValueError):
    """The stored hash is not one this module wrote."""


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def hash_pin(pin: str) -> str:
    """`scrypt$n$r$p$salt$hash`: self-describing, so the cost can be raised later."""
    if not pin.isdigit() or not 4 <= len(pin) <= 12:
        raise ValueError("a PIN is 4 to 12 digits")
    salt = secrets.token_bytes(16)
    digest = _scrypt(pin, salt, _N, _R, _P)
    return f"{_PREFIX}${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        prefix, n, r, p, salt, digest = stored.split("$")
        if prefix != _PREFIX:
            raise ValueError(prefix)
        expected = base64.b64decode(digest)
        actual = _scrypt(pin, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError as exc:
        raise PinFormatError(
            "the stored operator PIN hash is not valid; set the PIN again: kiosk set-pin"
        ) from exc
    return hmac.compare_digest(actual, expected)


class Verdict(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    NOT_SET = "not_set"


@dataclass(frozen=True)
class PinCheck:
    verdict: Verdict
    tries_left: int = 0
    locked_for: float = 0.0

    @property
    def message(self) -> str:
        if self.verdict is Verdict.OK:
            return ""
        if self.verdict is Verdict.NOT_SET:
            return "No operator PIN is set. Set one on this machine with: kiosk set-pin"
        if self.verdict is Verdict.LOCKED:
            return f"Too many wrong PINs. Try again in {round(self.locked_for)} s."
        plural = "try" if self.tries_left == 1 else "tries"
        return f"Wrong PIN. {self.tries_left} {plural} left before a lockout."


@dataclass
class PinGuard:
    """Counts wrong tries for the life of the app; the count survives closing the PIN screen."""

    stored_hash: str | None
    max_tries: int = MAX_TRIES
    lockout_seconds: float = LOCKOUT_SECONDS
    clock: Callable[[], float] = time.monotonic
    _wrong: int = field(default=0, init=False)
    _locked_until: float = field(default=0.0, init=False)

    @property
    def configured(self) -> bool:
        return bool(self.stored_hash)

    def locked_for(self) -> float:
        return max(0.0, self._locked_until - self.clock())

    def check(self, pin: str) -> PinCheck:
        if not self.stored_hash:
            return PinCheck(Verdict.NOT_SET)
        if (left := self.locked_for()) > 0:
            return PinCheck(Verdict.LOCKED, locked_for=left)
        if verify_pin(pin, self.stored_hash):
            self._wrong = 0
            return PinCheck(Verdict.OK)
        self._wrong += 1
        if self._wrong >= self.max_tries:
            self._wrong = 0
            self._locked_until = self.clock() + self.lockout_seconds
            return PinCheck(Verdict.LOCKED, locked_for=self.lockout_seconds)
        return PinCheck(Verdict.WRONG, tries_left=self.max_tries - self._wrong)
