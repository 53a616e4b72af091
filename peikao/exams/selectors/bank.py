"""Reads of the question bank and its blueprints, scoped: the exam center and regulators only
(models.bank.reads_the_bank); to anyone else a bank is as missing as one that does not exist."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from peikao.accounts.actor import Actor
from peikao.core.scoping import get_visible, not_found
from peikao.exams.models import (
    Blueprint,
    BlueprintPart,
    Chapter,
    Paper,
    Question,
    QuestionBank,
    QuestionVersion,
)
from peikao.exams.models.bank import reads_the_bank
from peikao.exams.rules.bank import answer_text
from peikao.exams.rules.papers import TYPE_NAMES, Part, blueprint_shortfalls

__all__ = [
    "available_counts",
    "bank_chapters",
    "bank_detail",
    "bank_list",
    "blueprint_check",
    "blueprint_detail",
    "blueprint_list",
    "blueprint_parts",
    "latest_versions",
    "question_detail",
    "question_list",
    "reads_the_bank",
]


def latest_versions(bank: QuestionBank) -> QuerySet[QuestionVersion]:
    """The latest version of each question of the bank (retired ones too)."""
    newer = QuestionVersion.objects.filter(
        question=OuterRef("question"), number__gt=OuterRef("number")
    )
    return QuestionVersion.objects.filter(question__bank=bank).filter(~Exists(newer))


def bank_list(actor: Actor) -> QuerySet[QuestionBank]:
    """The banks, for the exam center and regulators; to anyone else the list is as missing
    as a bank (404), so that nobody learns the bank exists."""
    if not reads_the_bank(actor):
        raise not_found(QuestionBank)
    return (
        QuestionBank.objects.visible_to(actor)
        .select_related("post_category", "item", "industry")
        .annotate(
            question_count=Count("questions", filter=Q(questions__retired=False), distinct=True)
        )
        .order_by("key")
    )


def bank_detail(actor: Actor, bank_id: int) -> QuestionBank:
    return get_visible(
        QuestionBank.objects.select_related("post_category", "item", "industry"), actor, bank_id
    )


def bank_chapters(bank: QuestionBank) -> list[Chapter]:
    return list(Chapter.objects.filter(bank=bank).order_by("code"))


def question_list(
    actor: Actor,
    bank: QuestionBank,
    *,
    chapter: str = "",
    question_type: str = "",
    search: str = "",
    retired: bool = False,
) -> QuerySet[QuestionVersion]:
    """The latest version of each question of a bank the actor reads, in the order entered;
    filtered by chapter code, type and a text of the stem; retired ones only when asked."""
    bank = get_visible(QuestionBank.objects.all(), actor, bank.pk)
    versions = latest_versions(bank).filter(question__retired=retired)
    if chapter:
        versions = versions.filter(chapter__code=chapter)
    if question_type:
        versions = versions.filter(question_type=question_type)
    if search:
        versions = versions.filter(stem__contains=search)
    return versions.select_related("chapter", "question").order_by("question_id", "id")


def question_detail(actor: Actor, question_id: int) -> Question:
    """A question with its versions, newest first (`version_history`)."""
    question = get_visible(Question.objects.select_related("bank"), actor, question_id)
    history = list(question.versions.select_related("chapter", "created_by").order_by("-number"))
    for version in history:
        version.answer_text = answer_text(  # type: ignore[attr-defined]
            version.question_type, version.answer
        )
    question.version_history = history  # type: ignore[attr-defined]
    question.current = history[0]  # type: ignore[attr-defined]
    return question


# --------------------------------------------------------------------------- blueprints


def available_counts(bank: QuestionBank) -> dict[tuple[str, str], int]:
    """Usable questions per (type, chapter code): the latest versions of questions in use."""
    counts = (
        latest_versions(bank)
        .filter(question__retired=False)
        .values_list("question_type", "chapter__code")
        .annotate(count=Count("id"))
    )
    return {(question_type, code): count for question_type, code, count in counts}


def blueprint_parts(blueprint: Blueprint) -> list[Part]:
    parts = BlueprintPart.objects.filter(blueprint=blueprint).select_related("chapter")
    return [
        Part(
            question_type=part.question_type,
            chapter=part.chapter.code if part.chapter else None,
            count=part.count,
            points=part.points,
            chapter_name=part.chapter.name if part.chapter else "",
        )
        for part in parts.order_by("id")
    ]


def blueprint_check(blueprint: Blueprint) -> list[str]:
    """Why the blueprint's bank cannot fill it today, one sentence per short part (and a total
    other than 100); [] when it can. For scheduling a session (sessions helper) and the pages."""
    return blueprint_shortfalls(blueprint_parts(blueprint), available_counts(blueprint.bank))


def blueprint_list(actor: Actor, bank: QuestionBank) -> list[Blueprint]:
    """The bank's blueprints, newest version first per exam type, each with its parts, its fill
    check per part (`rows`: part, have, short) and whether a paper or a session uses it."""
    bank = get_visible(QuestionBank.objects.all(), actor, bank.pk)
    available = available_counts(bank)
    blueprints: list[Blueprint] = list(
        Blueprint.objects.filter(bank=bank)
        .annotate(
            paper_count=Count("papers", distinct=True),
            session_count=Count("sessions", distinct=True),
        )
        .order_by("exam_type", "-version")
    )
    for blueprint in blueprints:
        _with_fill(blueprint, available)
    return blueprints


def blueprint_detail(actor: Actor, blueprint_id: int) -> Blueprint:
    blueprint = get_visible(Blueprint.objects.select_related("bank"), actor, blueprint_id)
    _with_fill(blueprint, available_counts(blueprint.bank))
    blueprint.used = (  # type: ignore[attr-defined]
        Paper.objects.filter(blueprint=blueprint).exists()
        or blueprint.sessions.exists()
        or blueprint.session_plans.exists()
    )
    return blueprint


def _with_fill(blueprint: Blueprint, available: dict[tuple[str, str], int]) -> None:
    """Each part with how many the bank has for it (a part of any chapter: what the chapter
    parts of its type leave) and the blueprint's shortfalls."""
    parts = blueprint_parts(blueprint)
    rows = []
    left = dict(available)
    for part in sorted(parts, key=lambda part: part.chapter is None):
        if part.chapter is not None:
            have = left.get((part.question_type, part.chapter), 0)
            left[(part.question_type, part.chapter)] = max(have - part.count, 0)
        else:
            keys = [key for key in left if key[0] == part.question_type]
            have = sum(left[key] for key in keys)
            remaining = part.count
            for key in keys:
                taken = min(left[key], remaining)
                left[key] -= taken
                remaining -= taken
        rows.append(
            {
                "part": part,
                "type_name": TYPE_NAMES.get(part.question_type, part.question_type),
                "have": have,
                "short": have < part.count,
            }
        )
    blueprint.rows = rows  # type: ignore[attr-defined]
    blueprint.total = sum((part.count * part.points for part in parts), 0)  # type: ignore[attr-defined]
    blueprint.shortfalls = blueprint_shortfalls(parts, available)  # type: ignore[attr-defined]
