"""Dates as Chinese documents write them."""

from datetime import date


def chinese_date(day: date) -> str:
    """2026年3月2日: no leading zeros, as on certificates and in notices."""
    return f"{day.year}年{day.month}月{day.day}日"
