"""The question bank (题库): questions created, edited into new versions and retired, by hand
or from the offices' spreadsheet; the export in the same layout.

Banks are provincial (暂行办法 第18–19条: 国家级 and 省级 banks): the exam center and a
provincial regulator keep them; every regulator reads them; nobody else sees that they exist
(models.bank.reads_the_bank), since papers are secret.

Versions are never changed once written: an edit always makes the next version (number + 1),
so that a paper keeps the version it was drawn with, and so does a session's pinned pool
(PaperPool) whose versions no paper happened to draw.

Every way in (the form, the API, the spreadsheet, the demo bank's file) goes through the same
path: rows of text → rules.bank.parse_question → a duplicate check → one bulk write.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction

from peikao.accounts.actor import Actor
from peikao.audit.actions import Action
from peikao.audit.services import audit_record
from peikao.core.errors import Conflict, DomainError, PermissionDenied
from peikao.core.scoping import get_visible
from peikao.core.spreadsheets import FORMULA_STARTS
from peikao.exams import imports_bank
from peikao.exams.models import Chapter, Question, QuestionBank, QuestionVersion
from peikao.exams.rules import bank as rules
from peikao.exams.selectors.bank import latest_versions

RETIRE_REASON_MAX = 200


@dataclass(frozen=True)
class Problem:
    """Something wrong with one row (row None: with the request or the file as a whole)."""

    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        if self.row is None:
            return f"“{self.column}”：{self.reason}" if self.column else self.reason
        return f"第{self.row}行“{self.column}”：{self.reason}" if self.column else self.reason


class ImportRejected(DomainError):
    """The rows are refused as a whole; `problems` says where and why, row by row."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(*(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int


# --------------------------------------------------------------------------- who may


def can_write_bank(actor: Actor) -> bool:
    return actor.is_exam_center or (actor.is_regulator and actor.level == "province")


def require_bank_writer(actor: Actor) -> None:
    if not can_write_bank(actor):
        raise PermissionDenied("只有考试中心或省级应急管理部门可以维护题库。")


def _bank(actor: Actor, bank_id: int, *, for_update: bool = False) -> QuestionBank:
    bank = get_visible(QuestionBank.objects.all(), actor, bank_id, for_update=for_update)
    require_bank_writer(actor)
    return bank


def chapter_lookup(bank: QuestionBank) -> dict[str, str]:
    """A chapter's code and its name, each to its code."""
    lookup = {}
    for code, name in Chapter.objects.filter(bank=bank).values_list("code", "name"):
        lookup[name] = code
        lookup[code] = code
    return lookup


# --------------------------------------------------------------------------- rows → questions


def _cell(value: Any) -> Any:
    """A cell as the export wrote it: a leading apostrophe that made a formula text is dropped."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value


def validated_rows(
    bank: QuestionBank,
    rows: Iterable[tuple[int | None, Mapping[str, Any]]],
    *,
    except_question: int | None = None,
) -> list[rules.QuestionData]:
    """Every row checked (rules.parse_question) and no stem twice, in the bank's questions in
    use (but `except_question`, the one being edited) or among the rows; ImportRejected with
    every problem when any row is bad."""
    chapters = chapter_lookup(bank)
    taken = {
        rules.stem_key(stem): question_id
        for question_id, stem in latest_versions(bank)
        .filter(question__retired=False)
        .values_list("question_id", "stem")
    }
    seen: dict[str, int | None] = {}
    problems: list[Problem] = []
    checked: list[rules.QuestionData] = []
    for number, values in rows:
        parsed = rules.parse_question(
            {key: _cell(value) for key, value in values.items()}, chapters
        )
        if isinstance(parsed, list):
            problems.extend(Problem(number, found.column, found.reason) for found in parsed)
            continue
        key = rules.stem_key(parsed.stem)
        owner = taken.get(key)
        if owner is not None and owner != except_question:
            problems.append(Problem(number, "题干", "题库中已有题干相同的试题。"))
        elif key in seen:
            where = f"第{seen[key]}行" if seen[key] else "前面"
            problems.append(Problem(number, "题干", f"与{where}的题干相同。"))
        else:
            seen[key] = number
        checked.append(parsed)
    if problems:
        raise ImportRejected(problems)
    return checked


def _version(question: Question, number: int, data: rules.QuestionData, chapters, actor):
    return QuestionVersion(
        question=question,
        number=number,
        question_type=data.question_type,
        chapter=chapters[data.chapter],
        stem=data.stem,
        options=list(data.options),
        answer=list(data.answer),
        explanation=data.explanation,
        difficulty=data.difficulty,
        source=data.source,
        created_by=actor.user if actor.user is not None and actor.user.pk else None,
    )


def questions_write(
    *, actor: Actor, bank: QuestionBank, questions: list[rules.QuestionData]
) -> list[Question]:
    """Writes checked questions, each with its first version: two bulk inserts."""
    chapters = {chapter.code: chapter for chapter in Chapter.objects.filter(bank=bank)}
    made = Question.objects.bulk_create([Question(bank=bank) for _ in questions])
    QuestionVersion.objects.bulk_create(
        [
            _version(question, 1, data, chapters, actor)
            for question, data in zip(made, questions, strict=True)
        ]
    )
    return made


def _one(values: Mapping[str, Any]) -> list[tuple[int | None, Mapping[str, Any]]]:
    return [(None, values)]


def question_values(
    *,
    question_type: str,
    stem: str,
    options: list[str] | tuple[str, ...] = (),
    answer: str,
    chapter: str,
    difficulty: str,
    explanation: str = "",
    source: str = "",
) -> dict[str, Any]:
    """A question given by hand as the row of the spreadsheet it would be."""
    if len(options) > len(rules.LETTERS):
        raise DomainError(f"选项最多{len(rules.LETTERS)}个（A–F）。")
    values: dict[str, Any] = {
        "type": question_type,
        "stem": stem,
        "answer": answer,
        "chapter": chapter,
        "difficulty": difficulty,
        "explanation": explanation,
        "source": source,
    }
    for letter, text in zip(rules.LETTERS, options, strict=False):
        values[f"option_{letter}"] = text
    return values


# --------------------------------------------------------------------------- one question


@transaction.atomic
def question_create(*, actor: Actor, bank_id: int, **fields) -> Question:
    """A new question of the bank: fields as question_values takes them (题型 as 判断题 or
    true_false, 答案 as 对/错 or letters, 章节 by code or name, 难度 易/中/难)."""
    bank = _bank(actor, bank_id, for_update=True)
    (data,) = validated_rows(bank, _one(question_values(**fields)))
    (question,) = questions_write(actor=actor, bank=bank, questions=[data])
    audit_record(
        Action.QUESTION_CREATED,
        actor=actor,
        target=question,
        detail={"bank": bank.key, "stem": data.stem[:100]},
    )
    return question


def _locked_question(actor: Actor, question_id: int) -> Question:
    question = get_visible(
        Question.objects.select_related("bank"), actor, question_id, for_update=True
    )
    require_bank_writer(actor)
    return question


@transaction.atomic
def question_edit(*, actor: Actor, question_id: int, **fields) -> QuestionVersion:
    """The question's next version (number + 1): the versions before stay as they were, for
    the papers and pinned pools that hold them. An edit that changes nothing is refused."""
    question = _locked_question(actor, question_id)
    if question.retired:
        raise Conflict("该试题已停用，不能修改。")
    current = question.versions.order_by("-number").first()
    assert current is not None  # a question is written with its first version
    (data,) = validated_rows(
        question.bank, _one(question_values(**fields)), except_question=question.pk
    )
    if (
        data.question_type == current.question_type
        and data.chapter == current.chapter.code
        and data.stem == current.stem
        and list(data.options) == current.options
        and list(data.answer) == current.answer
        and data.explanation == current.explanation
        and data.difficulty == current.difficulty
        and data.source == current.source
    ):
        raise DomainError("试题内容没有变化。")
    chapters = {chapter.code: chapter for chapter in Chapter.objects.filter(bank=question.bank)}
    version = _version(question, current.number + 1, data, chapters, actor)
    version.save()
    audit_record(
        Action.QUESTION_EDITED,
        actor=actor,
        target=question,
        detail={"bank": question.bank.key, "version": version.number},
    )
    return version


@transaction.atomic
def question_retire(*, actor: Actor, question_id: int, reason: str = "") -> Question:
    """停用: the question is drawn no more; papers that hold it keep it."""
    question = _locked_question(actor, question_id)
    reason = (reason or "").strip()
    if question.retired:
        raise Conflict("该试题已经停用。")
    if not reason:
        raise DomainError("停用试题须填写原因。")
    if len(reason) > RETIRE_REASON_MAX:
        raise DomainError(f"停用原因不能超过{RETIRE_REASON_MAX}个字符。")
    question.retired = True
    question.save(update_fields=["retired"])
    audit_record(
        Action.QUESTION_RETIRED,
        actor=actor,
        target=question,
        detail={"bank": question.bank.key, "reason": reason},
    )
    return question


# --------------------------------------------------------------------------- the spreadsheet


@transaction.atomic
def bank_import(
    *, actor: Actor, bank_id: int, file: IO[bytes] | None, dry_run: bool = False
) -> ImportResult:
    """All or nothing: every bad row is reported with its row number, column and reason, and
    nothing is written if any row is bad. `dry_run` checks without writing."""
    bank = _bank(actor, bank_id, for_update=True)
    rows = imports_bank.read_rows(file)
    checked = validated_rows(bank, [(row.number, row.values) for row in rows])
    if dry_run:
        return ImportResult(rows=len(rows), created=0)
    questions_write(actor=actor, bank=bank, questions=checked)
    audit_record(
        Action.QUESTIONS_IMPORTED,
        actor=actor,
        target=bank,
        detail={"bank": bank.key, "rows": len(rows)},
    )
    return ImportResult(rows=len(rows), created=len(checked))


def version_row(version: QuestionVersion) -> list[str]:
    """A version as a row of the spreadsheet, in imports_bank.COLUMNS' order."""
    options = list(version.options) + [""] * (len(rules.LETTERS) - len(version.options))
    return [
        rules.TYPE_NAMES[version.question_type],
        version.stem,
        *options,
        rules.answer_text(version.question_type, version.answer),
        version.explanation,
        version.chapter.code,
        rules.DIFFICULTY_NAMES[version.difficulty],
        version.source,
    ]


def bank_export(*, actor: Actor, bank_id: int) -> tuple[QuestionBank, bytes]:
    """The bank's questions in use (latest version, not retired) in the import layout."""
    bank = get_visible(QuestionBank.objects.all(), actor, bank_id)
    versions = (
        latest_versions(bank)
        .filter(question__retired=False)
        .select_related("chapter")
        .order_by("chapter__code", "question_id")
    )
    chapters = Chapter.objects.filter(bank=bank).values_list("code", "name")
    workbook = imports_bank.bank_workbook(
        (version_row(version) for version in versions), chapters=chapters
    )
    audit_record(Action.QUESTIONS_EXPORTED, actor=actor, target=bank, detail={"bank": bank.key})
    return bank, workbook


def bank_template(*, actor: Actor, bank_id: int) -> tuple[QuestionBank, bytes]:
    """The import template, with the bank's chapters listed beside."""
    bank = get_visible(QuestionBank.objects.all(), actor, bank_id)
    chapters = Chapter.objects.filter(bank=bank).values_list("code", "name")
    return bank, imports_bank.bank_workbook([], chapters=chapters)
