"""Password hashers for the fixture project.

ScryptPasswordHasher below is Django 4.2's (django/contrib/auth/hashers.py), ported because the
Django this project generates its fixtures with (3.2, Debian bookworm's python3-django) predates
it: scrypt arrived in Django 4.0. The class body is Django 4.2's; only `_check_encode_args`,
which Django 4.x has on BasePasswordHasher and 3.2 does not, is copied into it. It computes with
Python's hashlib.scrypt exactly as Django 4.x does (OpenSSL's default maxmem of 32 MiB, since
maxmem = 0).

The Low* subclasses keep Django's encode/verify and only lower the cost, so the many-case test
vectors verify quickly; each encoded hash names its own cost, which is what a verifier reads.
"""
import base64
import hashlib

from argon2 import low_level
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    BasePasswordHasher,
    BCryptPasswordHasher,
    BCryptSHA256PasswordHasher,
    PBKDF2PasswordHasher,
    PBKDF2SHA1PasswordHasher,
    mask_hash,
)
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_noop as _


class ScryptPasswordHasher(BasePasswordHasher):
    """
    Secure password hashing using the Scrypt algorithm.
    """

    algorithm = "scrypt"
    block_size = 8
    maxmem = 0
    parallelism = 1
    work_factor = 2**14

    def _check_encode_args(self, password, salt):
        # BasePasswordHasher._check_encode_args in Django 4.x.
        if password is None:
            raise TypeError("password must be provided.")
        if not salt or "$" in salt:
            raise ValueError("salt must be provided and cannot contain $.")

    def encode(self, password, salt, n=None, r=None, p=None):
        self._check_encode_args(password, salt)
        n = n or self.work_factor
        r = r or self.block_size
        p = p or self.parallelism
        hash_ = hashlib.scrypt(
            password.encode(),
            salt=salt.encode(),
            n=n,
            r=r,
            p=p,
            maxmem=self.maxmem,
            dklen=64,
        )
        hash_ = base64.b64encode(hash_).decode("ascii").strip()
        return "%s$%d$%s$%d$%d$%s" % (self.algorithm, n, salt, r, p, hash_)

    def decode(self, encoded):
        algorithm, work_factor, salt, block_size, parallelism, hash_ = encoded.split(
            "$", 6
        )
        assert algorithm == self.algorithm
        return {
            "algorithm": algorithm,
            "work_factor": int(work_factor),
            "salt": salt,
            "block_size": int(block_size),
            "parallelism": int(parallelism),
            "hash": hash_,
        }

    def verify(self, password, encoded):
        decoded = self.decode(encoded)
        encoded_2 = self.encode(
            password,
            decoded["salt"],
            decoded["work_factor"],
            decoded["block_size"],
            decoded["parallelism"],
        )
        return constant_time_compare(encoded, encoded_2)

    def safe_summary(self, encoded):
        decoded = self.decode(encoded)
        return {
            _("algorithm"): decoded["algorithm"],
            _("work factor"): decoded["work_factor"],
            _("block size"): decoded["block_size"],
            _("parallelism"): decoded["parallelism"],
            _("salt"): mask_hash(decoded["salt"]),
            _("hash"): mask_hash(decoded["hash"]),
        }

    def must_update(self, encoded):
        decoded = self.decode(encoded)
        return (
            decoded["work_factor"] != self.work_factor
            or decoded["block_size"] != self.block_size
            or decoded["parallelism"] != self.parallelism
        )

    def harden_runtime(self, password, encoded):
        # The runtime for Scrypt is too complicated to implement a sensible
        # hardening algorithm.
        pass


class LowPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000


class LowPBKDF2SHA1PasswordHasher(PBKDF2SHA1PasswordHasher):
    iterations = 1000


class LowArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 256
    parallelism = 1


class LowArgon2ParallelPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 512
    parallelism = 4


class LowArgon2iPasswordHasher(LowArgon2PasswordHasher):
    """What Django 1.10-3.1 made (argon2i), at a low cost."""

    def params(self):
        params = super().params()
        params.type = low_level.Type.I
        return params


class LowArgon2dPasswordHasher(LowArgon2PasswordHasher):
    def params(self):
        params = super().params()
        params.type = low_level.Type.D
        return params


class LowBCryptSHA256PasswordHasher(BCryptSHA256PasswordHasher):
    rounds = 4


class LowBCryptPasswordHasher(BCryptPasswordHasher):
    rounds = 4


class LowScryptPasswordHasher(ScryptPasswordHasher):
    work_factor = 2**8


class LowScryptWidePasswordHasher(ScryptPasswordHasher):
    work_factor = 2**6
    block_size = 4
    parallelism = 3


class ProjectArgon2PasswordHasher(Argon2PasswordHasher):
    """argon2id with the parameters nest-simplejwt itself uses (OWASP's)."""

    time_cost = 2
    memory_cost = 19456
    parallelism = 1
