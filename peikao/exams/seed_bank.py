"""The demo question banks and their blueprints (marked demo): original questions written for
this project (the public banks carry no licence), in peikao/seed_data/question_bank_*.json.

A bank file holds {bank, title, demo, notice, subject{post_category, item|industry},
chapters[{code, name}], questions[{type, stem, options[], answer, explanation, chapter,
difficulty, source}]}. Its questions go through the same path as a spreadsheet's rows
(services.bank.validated_rows): a bad question stops the seed naming it. Loading again adds
only the questions whose stems the bank does not hold yet.
"""

from decimal import Decimal
from typing import Any

from peikao.accounts.actor import Actor
from peikao.catalog.models import Industry, OperationItem, PostCategory
from peikao.core.seed_files import SEED_DIR, read_seed_file
from peikao.exams.models import Chapter, ExamType, QuestionBank
from peikao.exams.rules import bank as rules
from peikao.exams.rules.papers import Part
from peikao.exams.selectors.bank import latest_versions
from peikao.exams.services.bank import question_values, questions_write, validated_rows
from peikao.exams.services.papers import demo_blueprint_write

SEED = Actor.system("seed")
BANK_FILES = ("question_bank_low_voltage.json", "question_bank_hazchem_principal.json")
DEMO_BLUEPRINT_NAME = "演示组卷方案"

TF, SC, MC = rules.TRUE_FALSE, rules.SINGLE_CHOICE, rules.MULTIPLE_CHOICE
# bank key → (name, exam type, duration, pass mark, [(type, chapter, count, points)]).
DEMO_BLUEPRINTS: dict[str, tuple[str, str, int, int, list[tuple[str, str, int, str]]]] = {
    "low_voltage_electrician": (
        "低压电工作业初次考核（演示）",
        ExamType.INITIAL,
        120,
        80,
        [
            *(
                (TF, f"LV{n}", count, "1")
                for n, count in enumerate([8, 10, 7, 7, 8, 10, 8, 7, 5], start=1)
            ),
            *(
                (SC, f"LV{n}", count, "1")
                for n, count in enumerate([4, 4, 3, 3, 3, 4, 4, 3, 2], start=1)
            ),
        ],
    ),
    "hazardous_chemicals_principal": (
        "危险化学品主要负责人初次考核（演示）",
        ExamType.INITIAL,
        120,
        80,
        [
            *((TF, f"PC{n}", count, "1") for n, count in enumerate([8, 8, 6, 6, 6, 6], start=1)),
            *((SC, f"PC{n}", count, "1") for n, count in enumerate([8, 8, 6, 6, 6, 6], start=1)),
            *((MC, f"PC{n}", count, "2") for n, count in enumerate([2, 2, 2, 1, 1, 2], start=1)),
        ],
    ),
}


def question_row(question: dict[str, Any]) -> dict[str, Any]:
    """A question of a bank file as the spreadsheet row it would be."""
    return question_values(
        question_type=question.get("type", ""),
        stem=question.get("stem", ""),
        options=list(question.get("options") or []),
        answer=question.get("answer", ""),
        chapter=question.get("chapter", ""),
        difficulty=question.get("difficulty", ""),
        explanation=question.get("explanation", ""),
        source=question.get("source", ""),
    )


def bank_file_load(data: dict[str, Any]) -> QuestionBank:
    """Loads one bank file's content (its bank, chapters and new questions)."""
    subject = data["subject"]
    post_category = PostCategory.objects.get(code=subject["post_category"])
    item = OperationItem.objects.get(code=subject["item"]) if subject.get("item") else None
    industry = Industry.objects.get(code=subject["industry"]) if subject.get("industry") else None
    bank, _ = QuestionBank.objects.update_or_create(
        key=data["bank"],
        defaults={
            "title": data["title"],
            "post_category": post_category,
            "item": item,
            "industry": industry,
            "demo": bool(data.get("demo", False)),
            "notice": data.get("notice", "")[:200],
        },
    )
    for chapter in data["chapters"]:
        Chapter.objects.update_or_create(
            bank=bank, code=chapter["code"], defaults={"name": chapter["name"]}
        )
    held = {rules.stem_key(stem) for stem in latest_versions(bank).values_list("stem", flat=True)}
    rows = [
        (number, question_row(question))
        for number, question in enumerate(data["questions"], start=1)
        if rules.stem_key(str(question.get("stem", ""))) not in held
    ]
    if rows:
        questions_write(actor=SEED, bank=bank, questions=validated_rows(bank, rows))
    return bank


def load_demo_banks() -> None:
    """The demo banks whose files are present, with their demo blueprints."""
    for name in BANK_FILES:
        if not (SEED_DIR / name).exists():
            continue
        bank = bank_file_load(read_seed_file(name))
        demo_blueprint_load(bank)


def demo_blueprint_load(bank: QuestionBank) -> None:
    layout = DEMO_BLUEPRINTS.get(bank.key)
    if layout is None:
        return
    name, exam_type, duration, pass_mark, lines = layout
    names = dict(Chapter.objects.filter(bank=bank).values_list("code", "name"))
    parts = [
        Part(question_type, chapter, count, Decimal(points), names.get(chapter, ""))
        for question_type, chapter, count, points in lines
    ]
    demo_blueprint_write(
        bank=bank,
        exam_type=exam_type,
        name=name,
        parts=parts,
        duration_minutes=duration,
        pass_mark=pass_mark,
    )
