"""Whether a question bank can fill a blueprint (组卷方案). Pure: the caller counts what the
bank holds."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

TYPE_NAMES = {"true_false": "判断题", "single_choice": "单选题", "multiple_choice": "多选题"}


@dataclass(frozen=True)
class Part:
    """A line of a blueprint: `count` questions of a type, from a chapter or (None) any."""

    question_type: str
    chapter: str | None
    count: int
    points: Decimal
    chapter_name: str = ""


def blueprint_total(parts: Iterable[Part]) -> Decimal:
    return sum((part.count * part.points for part in parts), Decimal(0))


def blueprint_shortfalls(parts: list[Part], available: Mapping[tuple[str, str], int]) -> list[str]:
    """Why the bank cannot fill these parts, one sentence per short part; [] when it can.

    `available` counts the usable questions per (type, chapter code). A part of one chapter
    takes from that chapter; a part of any chapter takes what the chapter parts leave."""
    left = dict(available)
    shortfalls = []
    for part in sorted(parts, key=lambda part: part.chapter is None):
        type_name = TYPE_NAMES.get(part.question_type, part.question_type)
        if part.chapter is not None:
            have = left.get((part.question_type, part.chapter), 0)
            left[(part.question_type, part.chapter)] = max(have - part.count, 0)
            where = f"章节“{part.chapter_name or part.chapter}”的{type_name}"
        else:
            keys = [key for key in left if key[0] == part.question_type]
            have = sum(left[key] for key in keys)
            remaining = part.count
            for key in keys:
                taken = min(left[key], remaining)
                left[key] -= taken
                remaining -= taken
            where = f"不限章节的{type_name}"
        if have < part.count:
            shortfalls.append(f"{where}需要 {part.count} 道，题库只有 {have} 道可用。")
    if blueprint_total(parts) != 100:
        shortfalls.insert(0, f"组卷方案总分应为 100 分，现为 {blueprint_total(parts)} 分。")
    return shortfalls
