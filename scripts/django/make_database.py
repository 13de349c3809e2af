"""Fills the freshly migrated fixture database and writes test/fixtures/django/django-simplejwt.json.

Run through scripts/django/generate.sh (see there), after `manage.py migrate`. Users get hashes
from different Django hashers (their plaintext passwords go into the JSON); refresh tokens come
from SimpleJWT's own RefreshToken.for_user (which records OutstandingToken rows), some are
blacklisted through SimpleJWT's token.blacklist(); access tokens come from refresh.access_token,
as SimpleJWT's TokenObtainPairSerializer issues them.
"""
import json
import os
import sys
from datetime import datetime, timezone

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fixtureproject.settings")
django.setup()

import rest_framework_simplejwt  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402


def at(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


# Timestamps keep Django's microseconds (dumpdata keeps only milliseconds of them).
USERS = [
    dict(username="alice", password="alice in Django-land", hasher="pbkdf2_sha256", email="alice@example.com", first_name="Alice",
         last_name="Liddell", is_staff=True, is_superuser=True, date_joined=at(2019, 5, 17, 8, 30, 12, 345678),
         last_login=at(2024, 11, 2, 9, 15, 1, 987654)),
    dict(username="bob", password="b0b's old sha1 hash", hasher="pbkdf2_sha1", email="bob@example.com", first_name="Bob",
         date_joined=at(2019, 6, 1, 12, 0, 0, 120000), last_login=None),
    dict(username="carol", password="cärol ★ argon2", hasher="argon2", email="carol@example.com", first_name="Carol",
         last_name="O'Brien", date_joined=at(2020, 1, 2, 3, 4, 5), last_login=at(2023, 7, 8, 9, 10, 11, 121314)),
    # Created and deleted, as real databases have gaps in their ids.
    dict(username="mallory", password="deleted", hasher="pbkdf2_sha256", delete=True, date_joined=at(2020, 2, 2, 2, 2, 2)),
    dict(username="dave", password="dave's passphrase is longer than the seventy-two bytes bcrypt alone would read",
         hasher="bcrypt_sha256", email="dave@example.com", date_joined=at(2020, 3, 4, 5, 6, 7, 890123), last_login=None),
    dict(username="erin", password="erin's bcrypt", hasher="bcrypt", email="erin@example.com", last_name="Example",
         date_joined=at(2021, 4, 5, 6, 7, 8, 9), last_login=at(2021, 4, 5, 6, 7, 9)),
    dict(username="frank", password="frank's scrypt", hasher="scrypt", email="frank@example.com", first_name="Frank",
         date_joined=at(2022, 5, 6, 7, 8, 9, 100000), last_login=None),
    dict(username="grace", password="grace is inactive", hasher="pbkdf2_sha256", email="grace@example.com", is_active=False,
         date_joined=at(2022, 6, 7, 8, 9, 10, 111111), last_login=at(2022, 6, 8, 0, 0, 0, 1)),
    dict(username="heidi", password="heidi is staff", hasher="argon2", email="heidi@example.com", is_staff=True,
         date_joined=at(2023, 7, 8, 9, 10, 11, 999999), last_login=None),
    dict(username="ivan", password=None, hasher=None, email="ivan@example.com", first_name="Ivan",
         date_joined=at(2023, 8, 9, 10, 11, 12, 500000), last_login=None),
    dict(username="zoë.ünal@example", password="zoë's pässwörd", hasher="pbkdf2_sha256", email="zoe@example.org",
         first_name="Zoë", last_name="Ünal", date_joined=at(2024, 9, 10, 11, 12, 13, 141516), last_login=None),
]

FIELDS = ("email", "first_name", "last_name", "is_staff", "is_superuser", "is_active", "date_joined", "last_login")


def make_users():
    made = []
    for spec in USERS:
        user = User(username=spec["username"], **{f: spec[f] for f in FIELDS if f in spec})
        if spec["password"] is None:
            user.set_unusable_password()
        else:
            user.password = make_password(spec["password"], hasher=spec["hasher"])
        user.save()
        if spec.get("delete"):
            user.delete()
            continue
        made.append((user, spec))
    return made


def refresh_for(user, blacklist, record):
    token = RefreshToken.for_user(user)
    if blacklist:
        token.blacklist()
    record.append({
        "username": user.username,
        "user_id": user.id,
        "jti": token["jti"],
        "iat": token["iat"],
        "exp": token["exp"],
        "blacklisted": blacklist,
        "token": str(token),
    })
    return token


def main(out_path):
    made = make_users()
    users = {user.username: user for user, _ in made}
    refresh, access = [], []
    alice_session = refresh_for(users["alice"], False, refresh)
    refresh_for(users["alice"], True, refresh)
    refresh_for(users["bob"], False, refresh)
    refresh_for(users["dave"], True, refresh)
    refresh_for(users["grace"], False, refresh)
    carol_session = refresh_for(users["carol"], False, refresh)
    refresh_for(users["zoë.ünal@example"], False, refresh)
    for username, session in (("alice", alice_session), ("carol", carol_session)):
        token = session.access_token
        access.append({"username": username, "user_id": token["user_id"], "jti": token["jti"], "iat": token["iat"],
                       "exp": token["exp"], "token": str(token)})

    assert OutstandingToken.objects.count() == len(refresh)
    assert BlacklistedToken.objects.count() == sum(1 for r in refresh if r["blacklisted"])
    simple_jwt = settings.SIMPLE_JWT
    document = {
        "about": "Made by scripts/django/make_database.py; django-simplejwt.sql is pg_dump of the same database, dumpdata-users.json its manage.py dumpdata auth.user.",
        "versions": {"django": django.get_version(), "djangorestframework-simplejwt": rest_framework_simplejwt.__version__},
        "simple_jwt": {
            "ALGORITHM": simple_jwt["ALGORITHM"],
            "SIGNING_KEY": simple_jwt["SIGNING_KEY"],
            "ACCESS_TOKEN_LIFETIME_SECONDS": int(simple_jwt["ACCESS_TOKEN_LIFETIME"].total_seconds()),
            "REFRESH_TOKEN_LIFETIME_SECONDS": int(simple_jwt["REFRESH_TOKEN_LIFETIME"].total_seconds()),
            "USER_ID_FIELD": simple_jwt["USER_ID_FIELD"],
            "USER_ID_CLAIM": simple_jwt["USER_ID_CLAIM"],
        },
        "users": [
            {
                "id": user.id,
                "username": user.username,
                "password": spec["password"],
                "hasher": spec["hasher"],
                "is_active": user.is_active,
                "is_staff": user.is_staff,
                "is_superuser": user.is_superuser,
            }
            for user, spec in made
        ],
        "deleted_usernames": [spec["username"] for spec in USERS if spec.get("delete")],
        "refresh_tokens": refresh,
        "access_tokens": access,
    }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
