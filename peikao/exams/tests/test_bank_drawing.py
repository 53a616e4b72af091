"""Drawing a paper (rules.papers.draw_paper), pure: any parts the pool can fill give a paper
that meets them exactly, options shuffled as a permutation; the same seed and pool give the
same paper, in this process and in another."""

import json
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from peikao.exams.rules.papers import (
    DrawnQuestion,
    Part,
    PoolQuestion,
    blueprint_shortfalls,
    draw_paper,
    paper_meets_blueprint,
    seed_number,
)

TF, SC, MC = "true_false", "single_choice", "multiple_choice"
ROOT = Path(__file__).resolve().parents[3]


def low_voltage_pool() -> list[PoolQuestion]:
    """A pool shaped like the 1.2 demo bank: 9 chapters, 244 questions."""
    per_chapter = {
        TF: [21, 22, 19, 18, 18, 22, 20, 16, 14],
        SC: [9, 10, 8, 7, 7, 10, 10, 7, 6],
    }
    pool: list[PoolQuestion] = []
    for question_type, counts in per_chapter.items():
        for chapter_number, count in enumerate(counts, start=1):
            for _ in range(count):
                pool.append(
                    PoolQuestion(
                        id=1000 + len(pool) * 3,
                        question_type=question_type,
                        chapter=f"LV{chapter_number}",
                        option_count=0 if question_type == TF else 4 + len(pool) % 3,
                    )
                )
    return pool


LOW_VOLTAGE_PARTS = [
    *(
        Part(TF, f"LV{n}", count, Decimal(1))
        for n, count in enumerate([8, 10, 7, 7, 8, 10, 8, 7, 5], start=1)
    ),
    *(
        Part(SC, f"LV{n}", count, Decimal(1))
        for n, count in enumerate([4, 4, 3, 3, 3, 4, 4, 3, 2], start=1)
    ),
]


def availability(pool: list[PoolQuestion]) -> Counter:
    return Counter((question.question_type, question.chapter) for question in pool)


def test_the_low_voltage_pool_fills_the_blueprint():
    pool = low_voltage_pool()
    assert len(pool) == 244
    assert blueprint_shortfalls(LOW_VOLTAGE_PARTS, availability(pool)) == []


def test_ten_thousand_papers_regenerate_identically_and_meet_the_blueprint():
    """The issue's test: 10,000 papers drawn, each regenerated from its stored seed and the
    pinned pool (a copy, as if read back), all identical and all meeting the blueprint."""
    pool = low_voltage_pool()
    stored_pool = json.loads(json.dumps(sorted(question.id for question in pool)))
    by_id = {question.id: question for question in pool}
    papers = {
        f"seed-{n:05d}": draw_paper(LOW_VOLTAGE_PARTS, pool, f"seed-{n:05d}") for n in range(10_000)
    }
    distinct = set()
    for seed, paper in papers.items():
        again = draw_paper(LOW_VOLTAGE_PARTS, [by_id[i] for i in stored_pool], seed)
        assert again == paper
        assert len(paper) == 100
        assert paper_meets_blueprint(LOW_VOLTAGE_PARTS, pool, paper) == []
        distinct.add(tuple(drawn.question_version_id for drawn in paper))
    # Random for real: no two of 10,000 papers share their questions in order.
    assert len(distinct) == 10_000


def test_the_order_the_pool_is_given_in_changes_nothing():
    pool = low_voltage_pool()
    assert draw_paper(LOW_VOLTAGE_PARTS, list(reversed(pool)), "x") == draw_paper(
        LOW_VOLTAGE_PARTS, pool, "x"
    )


def test_another_process_draws_the_same_paper():
    """The seed is hashed with SHA-256, not Python's salted hash(): a new interpreter, with
    another PYTHONHASHSEED, draws the same paper."""
    script = (
        "import json\n"
        "from peikao.exams.tests.test_bank_drawing import LOW_VOLTAGE_PARTS, low_voltage_pool\n"
        "from peikao.exams.rules.papers import draw_paper\n"
        "paper = draw_paper(LOW_VOLTAGE_PARTS, low_voltage_pool(), 'cafe0123')\n"
        "print(json.dumps([[d.position, d.question_version_id, list(d.option_order)]"
        " for d in paper]))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    here = draw_paper(LOW_VOLTAGE_PARTS, low_voltage_pool(), "cafe0123")
    assert json.loads(output) == [
        [d.position, d.question_version_id, list(d.option_order)] for d in here
    ]


def test_true_false_options_are_never_shuffled_and_layout_is_by_type():
    paper = draw_paper(LOW_VOLTAGE_PARTS, low_voltage_pool(), "layout")
    by_id = {question.id: question for question in low_voltage_pool()}
    types = [by_id[drawn.question_version_id].question_type for drawn in paper]
    assert types == [TF] * 70 + [SC] * 30
    assert all(drawn.option_order == () for drawn in paper[:70])


def test_seed_number_is_sha256():
    assert seed_number("") == int(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 16
    )


# --------------------------------------------------------------------------- the property


@st.composite
def pools_and_parts(draw):
    """A pool of chapters × types, and parts (of one chapter or any) that it can fill, with
    points that make 100."""
    chapters = [f"C{n}" for n in range(draw(st.integers(1, 4)))]
    pool: list[PoolQuestion] = []
    for chapter in chapters:
        for question_type in (TF, SC, MC):
            for _ in range(draw(st.integers(0, 8))):
                option_count = 0 if question_type == TF else draw(st.integers(2, 6))
                pool.append(PoolQuestion(len(pool) * 7 + 1, question_type, chapter, option_count))
    left = availability(pool)
    parts: list[Part] = []
    for _ in range(draw(st.integers(1, 6))):
        question_type = draw(st.sampled_from((TF, SC, MC)))
        chapter = draw(st.sampled_from([None, *chapters]))
        if chapter is None:
            have = sum(count for key, count in left.items() if key[0] == question_type)
        else:
            have = left[(question_type, chapter)]
        if have == 0:
            continue
        count = draw(st.integers(1, have))
        if chapter is None:
            remaining = count
            for key in sorted(left):
                if key[0] == question_type and remaining:
                    taken = min(left[key], remaining)
                    left[key] -= taken
                    remaining -= taken
        else:
            left[(question_type, chapter)] -= count
        parts.append(Part(question_type, chapter, count, Decimal(1)))
    # Points: 1 each, and the last part what makes the total 100, when tenths can say it.
    assume(parts)
    last = parts[-1]
    share = (Decimal(100) - (sum(part.count for part in parts) - last.count)) / last.count
    assume(share > 0 and share == share.quantize(Decimal("0.1")) and share <= 100)
    parts[-1] = Part(last.question_type, last.chapter, last.count, share.quantize(Decimal("0.1")))
    return pool, parts


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(pools_and_parts(), st.text(max_size=20))
def test_any_fillable_parts_give_a_paper_that_meets_them(drawn, seed):
    pool, parts = drawn
    # Drawing does not depend on the check; parts the strategy built are fillable by design.
    assert blueprint_shortfalls(parts, availability(pool)) == []
    paper = draw_paper(parts, pool, seed)
    assert len(paper) == sum(part.count for part in parts)
    assert sum(drawn.points for drawn in paper) == 100
    assert paper_meets_blueprint(parts, pool, paper) == []
    assert len({d.question_version_id for d in paper}) == len(paper)
    by_id = {question.id: question for question in pool}
    for question in paper:
        version = by_id[question.question_version_id]
        expected = [] if version.question_type == TF else list(range(version.option_count))
        assert sorted(question.option_order) == expected
    assert draw_paper(parts, pool, seed) == paper


def test_the_check_finds_a_paper_that_does_not_meet_its_blueprint():
    pool = low_voltage_pool()
    paper = draw_paper(LOW_VOLTAGE_PARTS, pool, "x")
    twice = [*paper[:-1], DrawnQuestion(100, paper[0].question_version_id, (), Decimal(1))]
    assert "试卷中有重复的试题。" in paper_meets_blueprint(LOW_VOLTAGE_PARTS, pool, twice)
    unshuffled = [
        *paper[:-1],
        DrawnQuestion(100, paper[-1].question_version_id, (0, 0, 1, 2), Decimal(1)),
    ]
    assert any("选项顺序" in p for p in paper_meets_blueprint(LOW_VOLTAGE_PARTS, pool, unshuffled))
