"""Writes test/fixtures/django/password-hashes.json: password hashes made by Django itself.

Run through scripts/django/generate.sh (see there). Each vector is (password, encoded hash) from
django.contrib.auth.hashers.make_password, plus Django's own verdict, check_password(candidate,
encoded), for several candidate passwords: true, false, or "error" where Django raises (a
malformed hash, a NUL byte given to bcrypt). A port must say true exactly where Django says true.

The "low" vectors use the Low* hashers of fixtureproject/hashers.py (Django's classes with a
lower cost, so the many-case spec runs fast); each hasher also has one vector at Django's real
default cost. scrypt is Django 4.2's ScryptPasswordHasher ported into fixtureproject/hashers.py
(Django 3.2 has none), computed with Python's hashlib.scrypt.
"""
import json
import os
import platform
import sys

import argon2
import bcrypt
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fixtureproject.settings")
django.setup()

from django.contrib.auth.hashers import check_password, get_hasher, make_password  # noqa: E402

from fixtureproject import hashers as h  # noqa: E402

LONG = "correct horse battery staple " * 3  # 87 bytes: bcrypt reads only the first 72
STRADDLE = "a" * 71 + "é"  # é is 2 bytes in UTF-8: byte 72 is its first half (0xC3)

PASSWORDS = [
    ("an ASCII passphrase", "correct horse battery staple"),
    ("a one-character password", "x"),
    ("the empty password", ""),
    ("spaces at both ends (never trimmed)", "  spaced out  "),
    ("Latin-1 letters, NFC", "lètmein"),
    ("the same word in NFD (e + U+0300): Django does not normalise", "le\u0300tmein"),
    ("Cyrillic", "пароль"),
    ("CJK and an emoji outside the BMP", "密码🔑"),
    ("a NUL byte inside", "nul\x00byte"),
    ("87 bytes: longer than bcrypt's 72", LONG),
    ("73 bytes, a 2-byte character across bcrypt's 72-byte limit", STRADDLE),
]


def candidates(password):
    """Wrong passwords worth trying, and for long ones what bcrypt's truncation lets through."""
    out = [password, password + "x", "" if password else "x", password.upper() if password.upper() != password else "X" + password,
           password + "\x00"]
    if len(password) > 1:
        out.append(password[:-1])
    if password == "lètmein":
        out.append("le\u0300tmein")
    if password == "le\u0300tmein":
        out.append("lètmein")
    if password == "  spaced out  ":
        out.append("spaced out")
    if password == LONG:
        first72 = LONG.encode()[:72].decode()
        out += [first72, first72 + " but a different tail", LONG.encode()[:71].decode()]
    if password == STRADDLE:
        out += ["a" * 71 + "è", "a" * 71, "a" * 72]
    seen = []
    for c in out:
        if c not in seen:
            seen.append(c)
    return seen


def verdict(candidate, encoded):
    try:
        return check_password(candidate, encoded)
    except Exception:  # Django raises on some inputs; a port must simply say "no"
        return "error"


def vector(hasher, variant, cost, note, password, encoded, tries):
    checks = [{"password": c, "django": verdict(c, encoded)} for c in tries]
    assert checks[0]["django"] is True, (variant, note)
    return {"hasher": hasher, "variant": variant, "cost": cost, "note": note, "password": password, "encoded": encoded, "checks": checks}


LOW = [
    ("pbkdf2_sha256", "pbkdf2_sha256, 1000 iterations", h.LowPBKDF2PasswordHasher(), True),
    ("pbkdf2_sha1", "pbkdf2_sha1, 1000 iterations", h.LowPBKDF2SHA1PasswordHasher(), True),
    ("argon2", "argon2id, t=1 m=256 p=1", h.LowArgon2PasswordHasher(), True),
    ("argon2", "argon2id, t=2 m=512 p=4", h.LowArgon2ParallelPasswordHasher(), False),
    ("argon2", "argon2i (Django 1.10-3.1), t=1 m=256 p=1", h.LowArgon2iPasswordHasher(), False),
    ("argon2", "argon2d, t=1 m=256 p=1", h.LowArgon2dPasswordHasher(), False),
    ("bcrypt_sha256", "bcrypt_sha256, 4 rounds", h.LowBCryptSHA256PasswordHasher(), True),
    ("bcrypt", "bcrypt, 4 rounds", h.LowBCryptPasswordHasher(), True),
    ("scrypt", "scrypt, N=2^8 r=8 p=1", h.LowScryptPasswordHasher(), True),
    ("scrypt", "scrypt, N=2^6 r=4 p=3", h.LowScryptWidePasswordHasher(), False),
]

DEFAULT = [
    ("pbkdf2_sha256", "pbkdf2_sha256, Django 3.2's default: 260000 iterations"),
    ("pbkdf2_sha1", "pbkdf2_sha1, Django 3.2's default: 260000 iterations"),
    ("argon2", "argon2id, Django's default: t=2 m=102400 p=8"),
    ("bcrypt_sha256", "bcrypt_sha256, Django's default: 12 rounds"),
    ("bcrypt", "bcrypt, Django's default: 12 rounds"),
    ("scrypt", "scrypt, Django 4.x's default: N=2^14 r=8 p=1"),
]


def main(out_path):
    vectors = []
    for hasher, variant, instance, every in LOW:
        chosen = PASSWORDS if every else [PASSWORDS[0], PASSWORDS[4]]
        for note, password in chosen:
            if hasher == "bcrypt" and "\x00" in password:
                continue  # make_password raises: bcrypt refuses NUL bytes
            encoded = make_password(password, hasher=instance)
            vectors.append(vector(hasher, variant, "low", note, password, encoded, candidates(password)))

    project = h.ProjectArgon2PasswordHasher()
    encoded = make_password("correct horse battery staple", hasher=project)
    vectors.append(vector("argon2", "argon2id, t=2 m=19456 p=1 (this project's own parameters)", "project", "an ASCII passphrase",
                          "correct horse battery staple", encoded, ["correct horse battery staple", "correct horse battery staplex"]))

    for hasher, variant in DEFAULT:
        password = "Tr0ub4dor&3 ünïcode"
        encoded = make_password(password, hasher=get_hasher(hasher))
        vectors.append(vector(hasher, variant, "default", "Django's default cost", password, encoded, [password, password + "x"]))

    vectors += legacy()
    document = {
        "about": "Made by scripts/django/make_password_hashes.py with Django's make_password; 'django' is Django's check_password verdict.",
        "versions": {
            "django": django.get_version(),
            "argon2-cffi": argon2.__version__,
            "bcrypt": bcrypt.__version__,
            "python": platform.python_version(),
            "scrypt": "Django 4.2's ScryptPasswordHasher, ported (scripts/django/fixtureproject/hashers.py)",
        },
        "vectors": vectors,
        "malformed": malformed(),
    }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False, indent=2)
        f.write("\n")


def legacy():
    """Hashes Django still accepts that make_password no longer makes."""
    out = []
    # From Django's own test suite (test_argon2_version_upgrade): argon2-cffi before 16 wrote no v=.
    out.append(vector("argon2", "argon2i without v= (argon2 version 0x10)", "legacy", "Django's test suite: an argon2-cffi < 16 hash",
                      "secret", "argon2$argon2i$m=8,t=1,p=1$c29tZXNhbHQ$gwQOXSNhxiOxPOA0+PY10P9QFO4NAYysnqRt1GSQLE55m+2GYDt9FEjPMHhP2Cuf0nOEXXMocVrsJAtNSsKyfg",
                      ["secret", "secreT", ""]))
    v16 = "argon2" + argon2.low_level.hash_secret(b"secret", b"somesaltsomesalt", time_cost=1, memory_cost=64, parallelism=1, hash_len=16,
                                                  type=argon2.low_level.Type.I, version=0x10).decode()
    out.append(vector("argon2", "argon2i, v=16", "legacy", "argon2-cffi with version=0x10", "secret", v16, ["secret", "secreT"]))
    def gensalt(prefix):  # bcrypt.gensalt makes $2a$ or $2b$; hashpw also reads PHP's $2y$
        return bcrypt.gensalt(4, prefix=b"2a") if prefix == b"2a" else bcrypt.gensalt(4).replace(b"$2b$", b"$2y$")

    for prefix in (b"2a", b"2y"):
        salt = gensalt(prefix)
        plain = "bcrypt$" + bcrypt.hashpw(LONG.encode(), salt).decode()
        out.append(vector("bcrypt", f"bcrypt ${prefix.decode()}$, 4 rounds", "legacy", "py-bcrypt era prefix", LONG, plain, candidates(LONG)))
        digest = h.hashlib.sha256("lètmein".encode()).hexdigest().encode()
        sha = "bcrypt_sha256$" + bcrypt.hashpw(digest, gensalt(prefix)).decode()
        out.append(vector("bcrypt_sha256", f"bcrypt_sha256 ${prefix.decode()}$, 4 rounds", "legacy", "py-bcrypt era prefix", "lètmein", sha,
                          candidates("lètmein")))
    return out


def malformed():
    """Encoded values Django rejects (false) or chokes on (error): a port says false to each."""
    pbkdf2 = make_password("secret", "seasalt", h.LowPBKDF2PasswordHasher())
    bcrypt_hash = make_password("secret", hasher=h.LowBCryptPasswordHasher())
    scrypt_hash = make_password("secret", "seasalt", h.LowScryptPasswordHasher())
    argon = make_password("secret", hasher=h.LowArgon2PasswordHasher())
    # The 22nd salt character carries 2 bits bcrypt uses and 4 it drops: change only those 4.
    last = bcrypt_hash[len("bcrypt$$2b$04$") + 21]
    alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    sibling = alphabet[(alphabet.index(last) & ~0xF) | ((alphabet.index(last) + 1) & 0xF)]
    noncanonical = bcrypt_hash[: len("bcrypt$$2b$04$") + 21] + sibling + bcrypt_hash[len("bcrypt$$2b$04$") + 22:]
    cases = [
        ("pbkdf2: iterations not a number", "pbkdf2_sha256$abc$seasalt$AAAA"),
        ("pbkdf2: zero iterations (Django substitutes its default)", "pbkdf2_sha256$0$seasalt$AAAA"),
        ("pbkdf2: iterations with a leading zero", pbkdf2.replace("$1000$", "$01000$")),
        ("pbkdf2: iterations with a plus sign", pbkdf2.replace("$1000$", "$+1000$")),
        ("pbkdf2: digest without its base64 padding", pbkdf2.rstrip("=")),
        ("pbkdf2: truncated", "pbkdf2_sha256$1000"),
        ("pbkdf2: missing salt", "pbkdf2_sha256$1000$$AAAA"),
        ("pbkdf2: sha256 digest under the sha1 name", pbkdf2.replace("pbkdf2_sha256$", "pbkdf2_sha1$")),
        ("argon2: garbage after the variety", "argon2$argon2id$garbage"),
        ("argon2: the PHC string without Django's prefix", argon[len("argon2"):]),
        ("argon2: unknown variety", argon.replace("$argon2id$", "$argon2x$")),
        ("argon2: hash cut short", argon[:-10]),
        ("bcrypt: salt too short", "bcrypt$$2b$04$short"),
        ("bcrypt: $2x$ prefix", bcrypt_hash.replace("$2b$", "$2x$")),
        ("bcrypt: 3 rounds", bcrypt_hash.replace("$2b$04$", "$2b$03$")),
        ("bcrypt: a character appended", bcrypt_hash + "A"),
        ("bcrypt: a non-canonical last salt character", noncanonical),
        ("bcrypt: a bcrypt hash under the bcrypt_sha256 name", bcrypt_hash.replace("bcrypt$", "bcrypt_sha256$", 1)),
        ("scrypt: N not a power of two", scrypt_hash.replace("scrypt$256$", "scrypt$255$")),
        ("scrypt: N = 0 (Django substitutes its default)", scrypt_hash.replace("scrypt$256$", "scrypt$0$")),
        ("scrypt: a parameter with a leading zero", scrypt_hash.replace("$8$1$", "$08$1$")),
        ("scrypt: digest cut short", scrypt_hash[:-8]),
        ("scrypt: too few fields", "scrypt$256$seasalt$8$1"),
        ("scrypt: too many fields", scrypt_hash + "$extra"),
        ("md5: a hasher not installed", "md5$seasalt$7a1d0e3b9e7d2b5c4d6f8a9e0b1c2d3e"),
        ("an unusable password", "!" + "x" * 40),
        ("the empty string", ""),
        ("plain text", "secret"),
    ]
    return [{"note": note, "password": "secret", "encoded": encoded, "django": verdict("secret", encoded)} for note, encoded in cases]


if __name__ == "__main__":
    main(sys.argv[1])
