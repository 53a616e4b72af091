"""The practical exam (实际操作考试): the life of an assessment, the checks of a practical
blueprint, the draw of one task per subject, and the scoring of a subject. Pure.

《特种作业安全技术实际操作考试标准》 (DOMAIN.md 4.1): subjects K1–K4 with their weights, one task
drawn from each, step scores, veto items (否决项) that fail the whole exam whatever the total;
total 100, pass at 80, 60 minutes by default; all of it data per item.
"""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from peikao.core.state_machine import StateMachine, Transition
from peikao.exams.rules.papers import seed_number

DRAWN, SCORED, SIGNED, ABSENT = "drawn", "scored", "signed", "absent"

PRACTICAL = StateMachine(
    noun="实操考试",
    states={DRAWN: "待考评", SCORED: "已评分", SIGNED: "已签名确认", ABSENT: "缺考"},
    transitions=(
        Transition("score", frozenset({DRAWN}), SCORED, "practical.scored", "评分"),
        Transition("sign", frozenset({SCORED}), SIGNED, "practical.signed", "考评员签名确认"),
        Transition("absent", frozenset({DRAWN}), ABSENT, "practical.absent", "缺考"),
    ),
    final={
        SIGNED: "该实操成绩已签名确认，只能以更正的方式（写明原因）修改。",
        ABSENT: "该考生实操考试缺考。",
    },
)

TOTAL = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


# --------------------------------------------------------------------------- blueprint checks


@dataclass(frozen=True)
class TaskSpec:
    code: str
    name: str
    steps: tuple[tuple[str, Decimal], ...]  # (step, points)
    vetoes: tuple[str, ...] = ()
    method: str = ""


@dataclass(frozen=True)
class SubjectSpec:
    code: str
    name: str
    weight: Decimal
    tasks: tuple[TaskSpec, ...]


def _shown(value: Decimal) -> str:
    return f"{value.normalize():f}"


def blueprint_errors(
    subjects: Sequence[SubjectSpec], *, duration_minutes: int, pass_mark: Decimal
) -> list[str]:
    """Why a practical blueprint may not be used, one sentence each; [] when it may: subject
    weights total 100, each task's steps total its subject's weight, every subject has a task,
    codes are unique, the pass mark is within 80 … 100 (暂行办法: 80 at least)."""
    errors = []
    if not subjects:
        errors.append("实操考核方案至少须有一个科目。")
    if not 1 <= duration_minutes <= 600:
        errors.append("实操考试时长应为1至600分钟。")
    if not Decimal(80) <= pass_mark <= TOTAL:
        errors.append(f"实操合格分数应在80至100分之间，现为{_shown(pass_mark)}分。")
    codes = [subject.code for subject in subjects]
    for code in sorted({code for code in codes if codes.count(code) > 1}):
        errors.append(f"科目代码“{code}”重复。")
    weights = sum((subject.weight for subject in subjects), Decimal(0))
    if subjects and weights != TOTAL:
        errors.append(f"各科目分值合计应为100分，现为{_shown(weights)}分。")
    for subject in subjects:
        where = f"科目“{subject.code} {subject.name}”"
        if not subject.code.strip() or not subject.name.strip():
            errors.append("每个科目都须填写代码和名称。")
        if subject.weight <= 0:
            errors.append(f"{where}的分值须大于0。")
        if not subject.tasks:
            errors.append(f"{where}至少须有一个考试题目。")
        task_codes = [task.code for task in subject.tasks]
        for code in sorted({code for code in task_codes if task_codes.count(code) > 1}):
            errors.append(f"{where}的题目代码“{code}”重复。")
        for task in subject.tasks:
            task_where = f"{where}的题目“{task.code} {task.name}”"
            if not task.code.strip() or not task.name.strip():
                errors.append(f"{where}的每个题目都须填写代码和名称。")
            if not task.steps:
                errors.append(f"{task_where}至少须有一个评分步骤。")
            if any(points <= 0 for _name, points in task.steps):
                errors.append(f"{task_where}的每个评分步骤分值须大于0。")
            if any(not name.strip() for name, _points in task.steps):
                errors.append(f"{task_where}的每个评分步骤都须填写名称。")
            if any(not veto.strip() for veto in task.vetoes):
                errors.append(f"{task_where}的否决项不能为空。")
            steps_total = sum((points for _name, points in task.steps), Decimal(0))
            if task.steps and steps_total != subject.weight:
                errors.append(
                    f"{task_where}的评分步骤合计{_shown(steps_total)}分，"
                    f"应等于科目分值{_shown(subject.weight)}分。"
                )
    return errors


# --------------------------------------------------------------------------- the draw


def draw_tasks(seed: str, subjects: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """One task per subject, a function of the seed alone: `subjects` maps each subject's code
    to its tasks' codes; the same seed and the same blueprint version draw the same tasks."""
    generator = random.Random(seed_number(seed))
    return {
        code: generator.choice(sorted(subjects[code]))
        for code in sorted(subjects)
        if subjects[code]
    }


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class SubjectScore:
    score: Decimal
    vetoed: bool


def as_points(value: object) -> Decimal | None:
    """A number of points as typed (an int, a Decimal, or text such as "4.5"); None when not."""
    if isinstance(value, bool):
        return None
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return points if points.is_finite() else None


def subject_score_errors(
    steps: Sequence[tuple[str, Decimal]],
    vetoes: Sequence[str],
    step_points: Sequence[object],
    vetoes_failed: Sequence[object],
) -> list[str]:
    """Why the examiner's entry for one task may not be stored: a value for every step, each
    within 0 … the step's points to one decimal place; veto items named by their index."""
    errors = []
    if len(step_points) != len(steps):
        errors.append(
            f"该题目有{len(steps)}个评分步骤，应逐项填写得分，现填写了{len(step_points)}项。"
        )
        return errors
    for number, ((name, points), given) in enumerate(zip(steps, step_points, strict=True), 1):
        value = as_points(given)
        if value is None:
            errors.append(f"第{number}步“{name}”的得分应为数字。")
        elif not Decimal(0) <= value <= points:
            errors.append(f"第{number}步“{name}”的得分应在0至{_shown(points)}分之间。")
        elif value != value.quantize(ONE_DECIMAL):
            errors.append(f"第{number}步“{name}”的得分最多保留一位小数。")
    for index in vetoes_failed:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(vetoes):
            errors.append(f"否决项“{index}”不属于该题目。")
    if len(set(map(str, vetoes_failed))) != len(vetoes_failed):
        errors.append("同一否决项只能勾选一次。")
    return errors


def subject_score(step_points: Sequence[object], vetoes_failed: Sequence[int]) -> SubjectScore:
    """The subject's score (the sum of its steps) and whether a veto item failed; for an entry
    that subject_score_errors accepted."""
    total = sum((as_points(points) or Decimal(0) for points in step_points), Decimal(0))
    return SubjectScore(score=total, vetoed=bool(vetoes_failed))


def practical_passed(total: Decimal, *, vetoed: bool, pass_mark: Decimal) -> bool:
    """At or above the pass mark with no veto item failed: a failed veto fails the exam
    whatever the total (95 with a veto fails)."""
    return not vetoed and total >= pass_mark
