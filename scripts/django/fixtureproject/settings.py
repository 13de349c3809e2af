"""Settings of the throwaway Django project that makes this repository's Django fixtures.

The database comes from DJANGO_DB_* variables (set by scripts/django/generate.sh); nothing here
is used at test time.
"""
import os
from datetime import timedelta

SECRET_KEY = "fixture-project-secret-key-not-used-for-tokens"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework_simplejwt.token_blacklist",
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DJANGO_DB_NAME", "django_simplejwt"),
        "USER": os.environ.get("DJANGO_DB_USER", "postgres"),
        "PASSWORD": os.environ.get("DJANGO_DB_PASSWORD", ""),
        "HOST": os.environ.get("DJANGO_DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("DJANGO_DB_PORT", "5432"),
    }
}

# Every hasher the fixtures use; the first is Django 3.2's default.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
    "fixtureproject.hashers.ScryptPasswordHasher",
]

# A known key, recorded in test/fixtures/django/django-simplejwt.json, and lifetimes long
# enough for the recorded tokens to stay valid for years.
SIMPLE_JWT = {
    "ALGORITHM": "HS256",
    "SIGNING_KEY": "django-simplejwt-fixture-signing-key-0123456789abcdef",
    "ACCESS_TOKEN_LIFETIME": timedelta(days=3650),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=3650),
    "ROTATE_REFRESH_TOKENS": False,
    "BLACKLIST_AFTER_ROTATION": True,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}
