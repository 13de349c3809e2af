#!/usr/bin/python3
"""Tokens that djangorestframework-simplejwt itself issues, kept as test data (test/fixtures/).

Run once, by hand, on Debian (apt-get install -y python3-djangorestframework-simplejwt
python3-django): ./scripts/simplejwt-tokens.py > test/fixtures/simplejwt-tokens.json
The specs read the JSON; no Python runs at test time. Lifetimes are 36500 days, so the tokens
stay valid (the specs configure the same lifetimes, which the strict exp - iat check needs).
"""
import datetime
import json
import sys

import django
from django.conf import settings

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

LIFETIME = datetime.timedelta(days=36500)
SECRET = "simplejwt-fixture-secret-0123456789abcdefghijklmnopqrstuvwxyz"
USER_ID = 1


def pem_private(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def pem_public(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


settings.configure(
    SECRET_KEY=SECRET,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework_simplejwt"],
    DATABASES={},
    USE_TZ=True,
    SIMPLE_JWT={"ACCESS_TOKEN_LIFETIME": LIFETIME, "REFRESH_TOKEN_LIFETIME": LIFETIME},
)
django.setup()

import jwt  # noqa: E402  (PyJWT, which SimpleJWT signs with)
import rest_framework_simplejwt  # noqa: E402
from rest_framework_simplejwt.backends import TokenBackend  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken, Token  # noqa: E402


def issue(algorithm, signing_key, verifying_key):
    """An access and a refresh token as SimpleJWT's RefreshToken.for_user would make them."""
    backend = TokenBackend(algorithm, signing_key, verifying_key)
    Token._token_backend = backend  # what SIMPLE_JWT's ALGORITHM and keys would make
    refresh = RefreshToken()
    refresh["user_id"] = USER_ID
    access = refresh.access_token
    return {"access": str(access), "refresh": str(refresh)}


rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ec_key = ec.generate_private_key(ec.SECP256R1())
ed_key = ed25519.Ed25519PrivateKey.generate()

fixtures = {
    "generator": f"djangorestframework-simplejwt {rest_framework_simplejwt.__version__ if hasattr(rest_framework_simplejwt, '__version__') else '5.x'}, PyJWT {jwt.__version__}",
    "lifetime_days": LIFETIME.days,
    "user_id": USER_ID,
    "HS256": {"signing_key": SECRET, **issue("HS256", SECRET, "")},
    "RS256": {"signing_key": pem_private(rsa_key), "verifying_key": pem_public(rsa_key),
              **issue("RS256", pem_private(rsa_key), pem_public(rsa_key))},
    "ES256": {"signing_key": pem_private(ec_key), "verifying_key": pem_public(ec_key),
              **issue("ES256", pem_private(ec_key), pem_public(ec_key))},
}

# SimpleJWT 5.2 does not list EdDSA; PyJWT (which it signs with) does: the same claims, signed by PyJWT.
now = datetime.datetime.now(datetime.timezone.utc)
for kind in ("access", "refresh"):
    claims = jwt.decode(fixtures["HS256"][kind], SECRET, algorithms=["HS256"])
    fixtures.setdefault("EdDSA", {"signing_key": pem_private(ed_key), "verifying_key": pem_public(ed_key)})
    fixtures["EdDSA"][kind] = jwt.encode(claims, pem_private(ed_key), algorithm="EdDSA")

json.dump(fixtures, sys.stdout, indent=2)
sys.stdout.write("\n")
