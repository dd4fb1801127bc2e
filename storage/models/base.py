"""The declarative base, naming convention and column types every model uses."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    func,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in time: stored in UTC, always read back time-zone aware.

    PostgreSQL keeps the zone; SQLite stores text without one and would hand back naive
    datetimes, which cannot be compared with aware ones. Naive values are refused on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware one (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


IntPK = Annotated[int, mapped_column(Integer, primary_key=True)]


SchoolFK = Annotated[int, mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)]


Name = Annotated[str, mapped_column(String(120))]


Phone = Annotated[str, mapped_column(String(20))]


Created = Annotated[datetime, mapped_column(UTCDateTime(), server_default=func.now())]


Updated = Annotated[
    datetime,
    mapped_column(UTCDateTime(), server_default=func.now(), onupdate=func.now()),
]


def enum_type(cls: type[enum.Enum]) -> Enum:
    """Store an enum by its value in a portable VARCHAR column with a CHECK constraint."""
    return Enum(
        cls,
        native_enum=False,
        create_constraint=True,
        length=24,
        name=cls.__name__.lower(),
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    """Declarative base with deterministic constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}
