"""Run-time settings from the environment, with defaults that need nothing installed."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

#: Project root (the folder holding app.py).
ROOT = Path(__file__).resolve().parents[1]
#: Default folder for the SQLite database, demo extracts and generated secrets.
DATA_DIR = ROOT / "data"
#: Upload limit in MB; keep in step with ``server.maxUploadSize`` in .streamlit/config.toml.
DEFAULT_UPLOAD_LIMIT_MB = 200


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    upload_limit_mb: int

    @property
    def upload_limit_bytes(self) -> int:
        return self.upload_limit_mb * 1024 * 1024


def settings() -> Settings:
    """Settings from ``AR_DATABASE_URL``, ``AR_DATA_DIR`` and ``AR_UPLOAD_LIMIT_MB``."""
    data_dir = Path(os.environ.get("AR_DATA_DIR", DATA_DIR))
    url = os.environ.get("AR_DATABASE_URL") or f"sqlite:///{data_dir / 'ardesk.sqlite'}"
    limit = int(os.environ.get("AR_UPLOAD_LIMIT_MB", DEFAULT_UPLOAD_LIMIT_MB))
    return Settings(database_url=url, data_dir=data_dir, upload_limit_mb=limit)


#: Shortest accepted login-cookie key: a short key lets anyone forge an admin cookie by guessing it.
MIN_COOKIE_KEY_BYTES = 32


def cookie_key(data_dir: Path | None = None) -> str:
    """The login-cookie signing key of this installation, generated on first start.

    streamlit-authenticator's default key would let anyone forge a login cookie, so every
    installation gets its own random 48-byte key in a git-ignored file readable only by its owner.
    ``AR_COOKIE_KEY`` overrides it (e.g. for several instances behind a load balancer). A key
    shorter than 32 bytes, from either source, is refused with a :class:`ConfigError`.
    """
    from ar_core.errors import ConfigError

    env = os.environ.get("AR_COOKIE_KEY")
    if env is not None and env.strip():
        if len(env.strip().encode()) < MIN_COOKIE_KEY_BYTES:
            raise ConfigError(
                f"AR_COOKIE_KEY must be at least {MIN_COOKIE_KEY_BYTES} bytes long; generate one with "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'."
            )
        return env.strip()
    if env is not None:
        raise ConfigError("AR_COOKIE_KEY is set but empty: unset it or give a key of at least 32 bytes.")
    path = (data_dir or settings().data_dir) / "secrets" / "cookie_key"
    if not path.exists():
        import secrets
        import tempfile

        from ar_core.store.db import private_dir  # lazy: the store imports this module

        private_dir(path.parent)  # 700 whatever the umask: the key lets its holder forge cookies
        # Written whole to a private file, then published by a hard link, which fails if another
        # session got there first: nobody ever reads a half-written key, and the first key wins.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cookie_key.")
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            Path(tmp).unlink()
    key = path.read_text().strip()
    if len(key.encode()) < MIN_COOKIE_KEY_BYTES:
        state = "is empty" if not key else f"holds a key of {len(key.encode())} bytes"
        raise ConfigError(
            f"The login-cookie key file {path} {state}: at least {MIN_COOKIE_KEY_BYTES} bytes are "
            "needed. Delete the file to have a new key generated at the next start (everybody logs in "
            "again), or set AR_COOKIE_KEY."
        )
    return key


#: The team's time zone when the ``time_zone`` setting is not at hand.
DEFAULT_TIME_ZONE = "Europe/Berlin"


def today(time_zone: str | None = None) -> date:
    """The calendar day the team works on: promises and call-backs are judged at it.

    It is the day in the team's time zone (the ``time_zone`` setting, default Europe/Berlin), not
    the server's: a server on UTC would otherwise still be "yesterday" until 01:00 in Berlin.
    ``AR_TODAY`` (YYYY-MM-DD) pins it — for a demo shown long after its data's dates, and for
    tests that must not depend on the machine's clock.
    """
    pinned = os.environ.get("AR_TODAY")
    if pinned:
        return date.fromisoformat(pinned)
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(time_zone or DEFAULT_TIME_ZONE)).date()
