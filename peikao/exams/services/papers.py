"""Blueprints (组卷方案) and drawing the papers of a seated session (组卷).

A blueprint per bank and exam type says how many questions of each type and chapter a paper
has and their points (total 100), the duration and the pass mark. Saving one that a paper or a
session uses makes its next version; one nobody uses yet is corrected in place.

A paper is drawn when the session is seated (not at the exam's first minute): one per seated
application, by rules.papers.draw_paper from the blueprint's parts, a seed from
secrets.token_hex(16) stored on the paper, and the pool pinned for the session (PaperPool: the
latest non-retired versions of the bank at the first draw, their ids sorted). From those three
`paper_regenerate` rebuilds any paper exactly. A session of several items draws each candidate's
paper by their item's blueprint (selectors.sessions.plan_for), one pool per blueprint.
"""

import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.core.errors import Conflict, DomainError, PermissionDenied
from peikao.core.scoping import get_visible
from peikao.exams.models import (
    Blueprint,
    BlueprintPart,
    Chapter,
    ExamApplication,
    ExamSession,
    ExamType,
    Paper,
    PaperPool,
    PaperQuestion,
    QuestionBank,
    QuestionVersion,
)
from peikao.exams.rules import bank as bank_rules
from peikao.exams.rules.papers import (
    DrawnQuestion,
    Part,
    PoolQuestion,
    blueprint_shortfalls,
    draw_paper,
)
from peikao.exams.selectors.bank import (
    available_counts,
    blueprint_check,
    blueprint_parts,
    latest_versions,
)
from peikao.exams.selectors.sessions import plan_for, session_plans
from peikao.exams.services.bank import require_bank_writer

__all__ = [
    "blueprint_check",
    "blueprint_save",
    "paper_regenerate",
    "paper_stored",
    "papers_draw",
    "pool_questions",
]

MAX_DURATION = 600
MAX_PARTS = 60
NAME_MAX = 100


# --------------------------------------------------------------------------- blueprints


def _decimal(value: Any, label: str, problems: list[str]) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        problems.append(f"{label}应为数字。")
        return None
    if not number.is_finite():
        problems.append(f"{label}应为数字。")
        return None
    return number


def _checked_parts(
    bank: QuestionBank, parts: Iterable[Mapping[str, Any]]
) -> tuple[list[Part], dict[str, Chapter], list[str]]:
    chapters = {chapter.code: chapter for chapter in Chapter.objects.filter(bank=bank)}
    by_name = {chapter.name: chapter for chapter in chapters.values()}
    checked: list[Part] = []
    problems: list[str] = []
    given = list(parts)
    if not given:
        problems.append("组卷方案至少要有一项题型明细。")
    if len(given) > MAX_PARTS:
        problems.append(f"组卷方案的明细不能超过{MAX_PARTS}项。")
        given = given[:MAX_PARTS]
    for number, part in enumerate(given, start=1):
        where = f"第{number}项明细"
        question_type = bank_rules.TYPE_BY_NAME.get(str(part.get("question_type") or "")) or str(
            part.get("question_type") or ""
        )
        if question_type not in bank_rules.TYPE_NAMES:
            problems.append(f"{where}：题型应为判断题、单选题或多选题。")
            continue
        code = str(part.get("chapter") or "").strip()
        chapter = chapters.get(code) or by_name.get(code)
        if code and chapter is None:
            problems.append(f"{where}：章节“{code}”不在本题库中。")
            continue
        count = part.get("count")
        if isinstance(count, bool) or not isinstance(count, int) or not 0 < count <= 500:
            problems.append(f"{where}：题数应为1至500的整数。")
            continue
        points = _decimal(part.get("points"), f"{where}：每题分值", problems)
        if points is None:
            continue
        if not Decimal(0) < points <= 100 or points != points.quantize(Decimal("0.1")):
            problems.append(f"{where}：每题分值应大于0、不超过100，最多一位小数。")
            continue
        checked.append(
            Part(
                question_type=question_type,
                chapter=chapter.code if chapter else None,
                count=count,
                points=points,
                chapter_name=chapter.name if chapter else "",
            )
        )
    return checked, chapters, problems


def _blueprint_used(blueprint: Blueprint) -> bool:
    return (
        Paper.objects.filter(blueprint=blueprint).exists()
        or ExamSession.objects.filter(theory_blueprint=blueprint).exists()
        or blueprint.session_plans.exists()
    )


@transaction.atomic
def blueprint_save(
    *,
    actor: Actor,
    bank_id: int,
    exam_type: str,
    name: str,
    duration_minutes: int = 120,
    pass_mark: Any = 80,
    parts: Iterable[Mapping[str, Any]],
) -> Blueprint:
    """Saves the blueprint of the bank for this exam type. Refused, naming each short part
    (rules.papers.blueprint_shortfalls), when the total is not 100 or the bank cannot fill it
    with its questions in use. A new version when the current one is used by a paper or a
    session, else the current one in place."""
    bank = get_visible(QuestionBank.objects.all(), actor, bank_id, for_update=True)
    require_bank_writer(actor)
    problems: list[str] = []
    if exam_type not in ExamType.values:
        problems.append("请选择考核类型（初次考核、再培训考核或复审考核）。")
    name = (name or "").strip()
    if not name:
        problems.append("请填写方案名称。")
    elif len(name) > NAME_MAX:
        problems.append(f"方案名称不能超过{NAME_MAX}个字符。")
    if (
        isinstance(duration_minutes, bool)
        or not isinstance(duration_minutes, int)
        or not 0 < duration_minutes <= MAX_DURATION
    ):
        problems.append(f"考试时长应为1至{MAX_DURATION}分钟。")
    mark = _decimal(pass_mark, "合格分数", problems)
    if mark is not None and (not Decimal(0) < mark <= 100 or mark != mark.quantize(Decimal("0.1"))):
        problems.append("合格分数应大于0、不超过100，最多一位小数。")
    checked, chapters, part_problems = _checked_parts(bank, parts)
    problems.extend(part_problems)
    if problems:
        raise DomainError(*problems)
    shortfalls = blueprint_shortfalls_for(bank, checked)
    if shortfalls:
        raise DomainError(*shortfalls)
    current = (
        Blueprint.objects.select_for_update()
        .filter(bank=bank, exam_type=exam_type)
        .order_by("-version")
        .first()
    )
    fields = {
        "name": name,
        "duration_minutes": duration_minutes,
        "pass_mark": mark,
        "active": True,
        "created_by": actor.account,
    }
    if current is not None and not _blueprint_used(current):
        for field_name, value in fields.items():
            setattr(current, field_name, value)
        current.save()
        current.parts.all().delete()
        blueprint, in_place = current, True
    else:
        if current is not None:
            Blueprint.objects.filter(bank=bank, exam_type=exam_type).update(active=False)
        blueprint = Blueprint.objects.create(
            bank=bank,
            exam_type=exam_type,
            version=current.version + 1 if current else 1,
            **fields,
        )
        in_place = False
    _write_parts(blueprint, checked, chapters)
    audit_record(
        Action.BLUEPRINT_SAVED,
        actor=actor,
        target=blueprint,
        detail={
            "bank": bank.key,
            "exam_type": exam_type,
            "version": blueprint.version,
            "in_place": in_place,
        },
    )
    return blueprint


def _write_parts(blueprint: Blueprint, parts: list[Part], chapters: Mapping[str, Chapter]):
    BlueprintPart.objects.bulk_create(
        [
            BlueprintPart(
                blueprint=blueprint,
                question_type=part.question_type,
                chapter=chapters[part.chapter] if part.chapter else None,
                count=part.count,
                points=part.points,
            )
            for part in parts
        ]
    )


def blueprint_shortfalls_for(bank: QuestionBank, parts: list[Part]) -> list[str]:
    return blueprint_shortfalls(parts, available_counts(bank))


def demo_blueprint_write(
    *, bank: QuestionBank, exam_type: str, name: str, parts: list[Part], **fields
) -> Blueprint:
    """The seed's blueprint (no actor, no check: blueprint_check shows what the bank lacks),
    written once: a second seed leaves it as it is."""
    existing = Blueprint.objects.filter(bank=bank, exam_type=exam_type).first()
    if existing is not None:
        return existing
    blueprint = Blueprint.objects.create(bank=bank, exam_type=exam_type, name=name, **fields)
    chapters = {chapter.code: chapter for chapter in Chapter.objects.filter(bank=bank)}
    _write_parts(blueprint, parts, chapters)
    return blueprint


# --------------------------------------------------------------------------- papers


def pool_questions(version_ids: Iterable[int]) -> list[PoolQuestion]:
    """The pinned versions as drawing sees them, sorted by id."""
    versions = QuestionVersion.objects.filter(pk__in=list(version_ids)).values_list(
        "id", "question_type", "chapter__code", "options"
    )
    return sorted(
        (
            PoolQuestion(
                id=version_id, question_type=question_type, chapter=code, option_count=len(options)
            )
            for version_id, question_type, code, options in versions
        ),
        key=lambda question: question.id,
    )


def _seated(session: ExamSession):
    return (
        ExamApplication.objects.filter(
            session=session,
            status=ExamApplication.Status.APPROVED,
            session_room__isnull=False,
            seat_number__isnull=False,
        )
        .filter(paper__isnull=True)
        .order_by("id")
    )


def _pinned_pool(session: ExamSession, blueprint: Blueprint, item_name: str) -> PaperPool:
    """The pool of the session for this blueprint, pinned now if it is the first draw; a
    blueprint the bank cannot fill is refused (naming the item, in a session of items)."""
    pool_row = PaperPool.objects.filter(session=session, blueprint=blueprint).first()
    if pool_row is not None:
        return pool_row
    shortfalls = blueprint_check(blueprint)
    if shortfalls:
        where = f"操作项目“{item_name}”：" if item_name else ""
        raise Conflict(*(where + shortfall for shortfall in shortfalls))
    version_ids = sorted(
        latest_versions(blueprint.bank).filter(question__retired=False).values_list("id", flat=True)
    )
    return PaperPool.objects.create(session=session, blueprint=blueprint, version_ids=version_ids)


@transaction.atomic
def papers_draw(*, actor: Actor, session: ExamSession) -> list[Paper]:
    """Draws a paper for every seated application of the session that has none, by the theory
    blueprint of its item (selectors.sessions.plan_for); a second call draws only for those
    seated since, it never redraws. Each blueprint's pool is pinned at the session's first
    draw. Returns the papers drawn now."""
    if actor.is_system:
        session = ExamSession.objects.select_for_update().get(pk=session.pk)
    elif actor.is_exam_center:
        # The exam center of the session's city only; another city's session is not found.
        session = get_visible(ExamSession.objects.all(), actor, session.pk, for_update=True)
    else:
        raise PermissionDenied("只有考试中心可以组卷。")
    plans = session_plans(session)
    pools = {}
    for plan in plans:
        if plan.theory is None:
            raise Conflict("该考试还没有理论组卷方案，不能组卷。")
        pool_row = _pinned_pool(session, plan.theory, str(plan.item or ""))
        pools[plan.theory.pk] = (plan.theory, blueprint_parts(plan.theory), pool_row)
    applications = list(_seated(session))
    by_blueprint: dict[int, list[ExamApplication]] = {}
    for application in applications:
        theory = plan_for(application, plans).theory
        if theory is None:
            raise Conflict(
                f"考生所报的操作项目“{application.item}”不在本场考试的项目中，不能组卷。"
            )
        by_blueprint.setdefault(theory.pk, []).append(application)
    if not applications:
        return []
    drawn_papers: list[Paper] = []
    detail = {}
    for blueprint_id, seated in sorted(by_blueprint.items()):
        blueprint, parts, pool_row = pools[blueprint_id]
        pool = pool_questions(pool_row.version_ids)
        papers = Paper.objects.bulk_create(
            [
                Paper(application=application, blueprint=blueprint, seed=secrets.token_hex(16))
                for application in seated
            ]
        )
        PaperQuestion.objects.bulk_create(
            [
                PaperQuestion(
                    paper=paper,
                    position=drawn.position,
                    question_version_id=drawn.question_version_id,
                    option_order=list(drawn.option_order),
                    points=drawn.points,
                )
                for paper in papers
                for drawn in draw_paper(parts, pool, paper.seed)
            ]
        )
        drawn_papers += papers
        detail[str(blueprint_id)] = {"papers": len(papers), "pool": len(pool)}
    audit_record(
        Action.PAPERS_DRAWN,
        actor=actor,
        target=session,
        detail={"papers": len(drawn_papers), "blueprints": detail},
    )
    return drawn_papers


def paper_regenerate(paper: Paper) -> list[DrawnQuestion]:
    """The paper as its blueprint, its seed and the pool pinned for its session and blueprint
    draw it again."""
    pool_row = PaperPool.objects.get(
        session_id=paper.application.session_id, blueprint_id=paper.blueprint_id
    )
    return draw_paper(
        blueprint_parts(paper.blueprint), pool_questions(pool_row.version_ids), paper.seed
    )


def paper_stored(paper: Paper) -> list[DrawnQuestion]:
    """The paper as its rows hold it."""
    return [
        DrawnQuestion(
            position=row.position,
            question_version_id=row.question_version_id,
            option_order=tuple(row.option_order),
            points=row.points,
        )
        for row in PaperQuestion.objects.filter(paper=paper).order_by("position")
    ]
