"""The declarative base all AR Desk tables share (one metadata for the migrations test)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
