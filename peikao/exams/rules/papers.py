"""Whether a question bank can fill a blueprint (组卷方案), and drawing a paper by it. Pure:
the caller counts what the bank holds and gives the pinned pool."""

import hashlib
import random
from collections import Counter
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


# --------------------------------------------------------------------------- drawing a paper
#
# A paper is a function of the blueprint's parts, the pool of question versions pinned for the
# session (sorted by id) and a seed: the same three give the same paper on any machine and in
# any process. The seed string is hashed with SHA-256 (never Python's salted hash()) and feeds
# random.Random, whose Mersenne Twister and sample/shuffle are stable across Python versions
# for integer seeds.

# The order of the sections of a paper: true/false, then single, then multiple choice.
TYPE_ORDER = ("true_false", "single_choice", "multiple_choice")
TRUE_FALSE = "true_false"


@dataclass(frozen=True)
class PoolQuestion:
    """A pinned question version as drawing sees it."""

    id: int
    question_type: str
    chapter: str
    option_count: int


@dataclass(frozen=True)
class DrawnQuestion:
    """A question of a drawn paper: its position (1…), the version, the order in which its
    stored options are shown (option_order[i] is the stored option shown at i), its points."""

    position: int
    question_version_id: int
    option_order: tuple[int, ...]
    points: Decimal


class PoolTooSmall(ValueError):
    """The pool cannot fill a part (blueprint_shortfalls says so before any drawing)."""


def seed_number(seed: str) -> int:
    """The seed string as the integer random.Random takes, the same everywhere."""
    return int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big")


def _part_order(parts: list[Part]) -> list[int]:
    """Chapter parts draw before parts of any chapter, as blueprint_shortfalls counts them."""
    return sorted(range(len(parts)), key=lambda index: parts[index].chapter is None)


def draw_paper(parts: list[Part], pool: list[PoolQuestion], seed: str) -> list[DrawnQuestion]:
    """The paper these parts draw from the pool with this seed: each part's questions at
    random from its type (and chapter), no question twice, choice options shuffled
    (true/false never). Questions are laid out by type (TYPE_ORDER), then in the order of the
    parts, each part's questions in the order drawn."""
    rng = random.Random(seed_number(seed))
    groups: dict[tuple[str, str], list[PoolQuestion]] = {}
    for question in sorted(pool, key=lambda question: question.id):
        groups.setdefault((question.question_type, question.chapter), []).append(question)
    used: set[int] = set()
    drawn: dict[int, list[PoolQuestion]] = {}
    for index in _part_order(parts):
        part = parts[index]
        if part.chapter is not None:
            group = groups.get((part.question_type, part.chapter), [])
        else:
            group = sorted(
                (q for key, qs in groups.items() if key[0] == part.question_type for q in qs),
                key=lambda question: question.id,
            )
        candidates = [question for question in group if question.id not in used]
        if len(candidates) < part.count:
            raise PoolTooSmall(
                f"{part.question_type}/{part.chapter}: {part.count} wanted, {len(candidates)} left"
            )
        chosen = rng.sample(candidates, part.count)
        used.update(question.id for question in chosen)
        drawn[index] = chosen
    layout = sorted(
        range(len(parts)),
        key=lambda index: (_type_rank(parts[index].question_type), index),
    )
    paper: list[DrawnQuestion] = []
    for index in layout:
        for question in drawn[index]:
            order = list(range(question.option_count))
            if question.question_type != TRUE_FALSE:
                rng.shuffle(order)
            else:
                order = []
            paper.append(
                DrawnQuestion(
                    position=len(paper) + 1,
                    question_version_id=question.id,
                    option_order=tuple(order),
                    points=parts[index].points,
                )
            )
    return paper


def _type_rank(question_type: str) -> int:
    return TYPE_ORDER.index(question_type) if question_type in TYPE_ORDER else len(TYPE_ORDER)


def paper_meets_blueprint(
    parts: list[Part], pool: list[PoolQuestion], paper: list[DrawnQuestion]
) -> list[str]:
    """Why the paper does not meet its parts ([] when it does): the count per type and
    chapter, the points, the total, no question twice, options a permutation. For tests and
    for checking a stored paper."""
    by_id = {question.id: question for question in pool}
    problems = []
    ids = [drawn.question_version_id for drawn in paper]
    if len(set(ids)) != len(ids):
        problems.append("试卷中有重复的试题。")
    if [drawn.position for drawn in paper] != list(range(1, len(paper) + 1)):
        problems.append("试卷的题号不连续。")
    if sum((drawn.points for drawn in paper), Decimal(0)) != blueprint_total(parts):
        problems.append("试卷总分与组卷方案不符。")
    # (type, points) as many times as the parts say; per (type, chapter) at least what the
    # chapter parts say, exactly that where no part of any chapter takes the same type.
    wanted_points: Counter = Counter()
    wanted_chapters: Counter = Counter()
    open_types = {part.question_type for part in parts if part.chapter is None}
    for part in parts:
        wanted_points[(part.question_type, part.points)] += part.count
        if part.chapter is not None:
            wanted_chapters[(part.question_type, part.chapter)] += part.count
    got_points: Counter = Counter()
    got_chapters: Counter = Counter()
    for drawn in paper:
        question = by_id.get(drawn.question_version_id)
        if question is None:
            problems.append(f"第{drawn.position}题不在题池中。")
            continue
        got_points[(question.question_type, drawn.points)] += 1
        got_chapters[(question.question_type, question.chapter)] += 1
        expected_order = (
            [] if question.question_type == TRUE_FALSE else list(range(question.option_count))
        )
        if sorted(drawn.option_order) != expected_order:
            problems.append(f"第{drawn.position}题的选项顺序不是原选项的一个排列。")
    if got_points != wanted_points:
        problems.append("试卷各题型的题数或分值与组卷方案不符。")
    for (question_type, chapter), count in wanted_chapters.items():
        have = got_chapters[(question_type, chapter)]
        if have < count or (question_type not in open_types and have != count):
            problems.append(f"章节“{chapter}”的{TYPE_NAMES.get(question_type)}题数与组卷方案不符。")
    for question_type, chapter in got_chapters:
        if question_type not in open_types and (question_type, chapter) not in wanted_chapters:
            problems.append(f"章节“{chapter}”的{TYPE_NAMES.get(question_type)}不在组卷方案中。")
    return problems
