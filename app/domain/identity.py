"""Pure rules for sign-up input. No framework imports; raise `ValidationError` on bad input."""

from __future__ import annotations

import hashlib
import re

from app.core.errors import ValidationError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
MAX_EMAIL_LENGTH = 254
MAX_DISPLAY_NAME_LENGTH = 80
# Colours that read well on white and dark backgrounds; one is given to each new user
# so a family's entries show who recorded them.
AVATAR_COLORS = (
    "#1E88E5", "#43A047", "#E53935", "#8E24AA", "#FB8C00",
    "#00897B", "#3949AB", "#D81B60", "#6D4C41", "#546E7A",
)  # fmt: skip
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def email_key(email: str) -> str:
    """The form under which an email is unique: trimmed and lower-cased."""
    return email.strip().lower()


def clean_email(email: str, field: str = "email") -> str:
    email = email.strip()
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        raise ValidationError("Enter a valid email address.", field=[field])
    return email


def check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"Password must be at least {MIN_PASSWORD_LENGTH} characters long.", field=[field]
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(
            f"Password must be at most {MAX_PASSWORD_LENGTH} characters long.", field=[field]
        )


def clean_display_name(name: str, field: str = "displayName") -> str:
    name = " ".join(name.split())
    if not name or len(name) > MAX_DISPLAY_NAME_LENGTH:
        raise ValidationError(
            f"Display name must be 1 to {MAX_DISPLAY_NAME_LENGTH} characters.", field=[field]
        )
    return name


def avatar_color_for(key: str) -> str:
    """A stable colour per email, so the same person keeps theirs across sign-ups."""
    digest = hashlib.sha256(key.encode()).digest()
    return AVATAR_COLORS[digest[0] % len(AVATAR_COLORS)]
