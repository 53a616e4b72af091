"""The dates and times any input may carry, for pages and the API alike: within years that
convert to UTC and to Beijing time without overflow (year 1 or 9999 would not), and offsets that
PostgreSQL holds (±15:59)."""

from datetime import date, timedelta

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
EARLIEST_DAY = date(EARLIEST_YEAR, 1, 1)
LATEST_DAY = date(LATEST_YEAR, 12, 31)
LARGEST_OFFSET = timedelta(hours=15, minutes=59)


def year_within_range(day: date) -> bool:
    return EARLIEST_YEAR <= day.year <= LATEST_YEAR


def day_of(text: str) -> date | None:
    """A date as a page sends it (YYYY-MM-DD) within the years above; None for anything else."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if year_within_range(day) else None
