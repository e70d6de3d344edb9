from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Mongo servers may hand back naive datetimes; they are UTC by our convention."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
