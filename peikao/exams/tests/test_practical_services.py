"""The practical exam: the seeded blueprint, its edit, the draw, scoring, signing and the
correction of a signed score. Every refusal says why in Chinese and changes nothing."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from peikao.accounts.testing import acting_as
from peikao.audit.models import AuditRecord
from peikao.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from peikao.exams.models import (
    ExamApplication,
    ExamResult,
    PracticalAssessment,
    PracticalBlueprint,
    PracticalCorrection,
    PracticalSubjectScore,
)
from peikao.exams.rules import practical as rules
from peikao.exams.services import practical as services
from peikao.exams.tests.practical_factories import (
    EXAMINER,
    approved_application,
    full_marks,
    practical_session,
    scored_attempt,
    seeded_blueprint,
    theory_passed,
)
from peikao.orgs.models import Organization

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(
        datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ),
]

K1_TASKS = ["电工仪表安全使用", "电工安全用具使用", "电工安全标示的辨识"]
K2_TASKS = [
    "电动机单向连续运转接线",
    "三相异步电动机正反转控制接线",
    "单相电能表带照明灯的安装及接线",
    "导线的连接",
]
K4_TASKS = ["触电事故现场的应急处理", "单人徒手心肺复苏", "灭火器的选择和使用"]


def examiner():
    return acting_as(EXAMINER)


def drawn(application=None) -> PracticalAssessment:
    application = application or approved_application()
    theory_passed(application)
    return services.practical_draw(actor=examiner(), application_id=application.pk)


def enter_all(assessment, marks: dict[str, list], vetoes: dict[str, list] | None = None):
    for code, points in marks.items():
        services.practical_score_enter(
            actor=examiner(),
            assessment_id=assessment.pk,
            subject_code=code,
            step_points=points,
            vetoes_failed=(vetoes or {}).get(code, []),
        )
    assessment.refresh_from_db()
    return assessment


def marks_totalling(assessment, total: Decimal) -> dict[str, list]:
    """Full marks with points taken off the first steps until the total is `total`."""
    marks = full_marks(assessment)
    to_take = Decimal(100) - total
    for points in marks.values():
        for index, value in enumerate(points):
            taken = min(Decimal(str(value)), to_take)
            points[index] = str(Decimal(str(value)) - taken)
            to_take -= taken
    assert to_take == 0
    return marks


def audits(action: str) -> int:
    return AuditRecord.objects.filter(action=action).count()


# --------------------------------------------------------------------------- the seeded blueprint


def test_the_seeded_low_voltage_blueprint_is_the_standards_layout():
    blueprint = seeded_blueprint()
    assert (blueprint.duration_minutes, blueprint.pass_mark) == (60, Decimal(80))
    assert "演示数据" in blueprint.source
    subjects = {s.code: s for s in blueprint.subjects.prefetch_related("tasks")}
    assert {code: (s.name, s.weight) for code, s in subjects.items()} == {
        "K1": ("安全用具使用", Decimal(20)),
        "K2": ("安全操作技术", Decimal(40)),
        "K3": ("作业现场安全隐患排除", Decimal(20)),
        "K4": ("作业现场应急处置", Decimal(20)),
    }
    assert [t.name for t in subjects["K1"].tasks.all()] == K1_TASKS
    assert [t.name for t in subjects["K2"].tasks.all()] == K2_TASKS
    assert [t.name for t in subjects["K3"].tasks.all()] == ["作业现场安全隐患排除"]
    assert [t.name for t in subjects["K4"].tasks.all()] == K4_TASKS
    assert (
        rules.blueprint_errors(
            services.blueprint_specs(blueprint), duration_minutes=60, pass_mark=Decimal(80)
        )
        == []
    )
    assert all(task.vetoes for s in subjects.values() for task in s.tasks.all())
    k2_vetoes = {v for task in subjects["K2"].tasks.all() for v in task.vetoes}
    assert "带电接线" in k2_vetoes
    assert PracticalBlueprint.objects.filter(item_id="1.2").count() == 3  # per exam type


# --------------------------------------------------------------------------- editing blueprints


def blueprint_input(blueprint) -> list[dict]:
    return [
        {
            "code": spec.code,
            "name": spec.name,
            "weight": spec.weight,
            "tasks": [
                {
                    "code": task.code,
                    "name": task.name,
                    "method": task.method,
                    "steps": [{"name": n, "points": p} for n, p in task.steps],
                    "vetoes": list(task.vetoes),
                }
                for task in spec.tasks
            ],
        }
        for spec in services.blueprint_specs(blueprint)
    ]


def save(blueprint, subjects, actor=None, **fields):
    return services.practical_blueprint_save(
        actor=actor or acting_as("yc_exam_center"),
        blueprint_id=blueprint.pk,
        name=fields.get("name", blueprint.name),
        duration_minutes=fields.get("duration_minutes", 60),
        pass_mark=fields.get("pass_mark", Decimal(80)),
        subjects=subjects,
    )


def test_an_unused_blueprint_is_edited_in_place():
    blueprint = seeded_blueprint("review")
    subjects = blueprint_input(blueprint)
    subjects[2]["tasks"][0]["vetoes"].append("未穿戴绝缘鞋进入作业现场")
    saved = save(blueprint, subjects, duration_minutes=50)
    assert saved.pk == blueprint.pk and saved.version == 1 and saved.duration_minutes == 50
    k3 = saved.subjects.get(code="K3").tasks.get()
    assert "未穿戴绝缘鞋进入作业现场" in k3.vetoes
    assert audits("practical_blueprint.saved") == 1


def test_a_used_blueprint_becomes_a_new_version_and_the_used_one_stays():
    blueprint = seeded_blueprint()
    practical_session()  # a session uses it
    subjects = blueprint_input(blueprint)
    subjects[1]["tasks"][3]["name"] = "导线的连接与绝缘恢复"
    saved = save(blueprint, subjects)
    assert saved.pk != blueprint.pk and saved.version == 2 and saved.active
    blueprint.refresh_from_db()
    assert not blueprint.active
    assert blueprint.subjects.get(code="K2").tasks.get(code="K24").name == "导线的连接"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s[0].update(weight=Decimal(25)), "各科目分值合计应为100分，现为105分。"),
        (
            lambda s: s[1]["tasks"][0]["steps"][0].update(points=Decimal(9)),
            "科目“K2 安全操作技术”的题目“K21 电动机单向连续运转接线”的评分步骤合计41分，"
            "应等于科目分值40分。",
        ),
        (lambda s: s[2].update(tasks=[]), "科目“K3 作业现场安全隐患排除”至少须有一个考试题目。"),
        (lambda s: s[3].update(code="K1"), "科目代码“K1”重复。"),
    ],
)
def test_a_blueprint_that_does_not_add_up_is_refused_and_nothing_changes(change, message):
    blueprint = seeded_blueprint("review")
    subjects = blueprint_input(blueprint)
    before = blueprint_input(blueprint)
    change(subjects)
    with pytest.raises(DomainError) as refused:
        save(blueprint, subjects)
    assert message in refused.value.messages
    assert blueprint_input(PracticalBlueprint.objects.get(pk=blueprint.pk)) == before
    assert audits("practical_blueprint.saved") == 0


def test_only_the_exam_center_edits_a_blueprint():
    blueprint = seeded_blueprint("review")
    with pytest.raises(PermissionDenied, match="只有考试中心可以修改实操考核方案"):
        save(blueprint, blueprint_input(blueprint), actor=acting_as("huaan_point_clerk"))
    for username in ("yc_officer", "huaan_clerk"):
        with pytest.raises(NotFound):
            save(blueprint, blueprint_input(blueprint), actor=acting_as(username))


def test_a_pass_mark_below_80_is_refused():
    blueprint = seeded_blueprint("review")
    with pytest.raises(DomainError, match="实操合格分数应在80至100分之间，现为60分"):
        save(blueprint, blueprint_input(blueprint), pass_mark=Decimal(60))


# --------------------------------------------------------------------------- the draw


def test_the_draw_needs_a_passed_theory_and_changes_nothing_without_it():
    application = approved_application()
    with pytest.raises(Conflict, match="须先通过理论考试"):
        services.practical_draw(actor=examiner(), application_id=application.pk)
    scored_attempt(application, "79.9")
    with pytest.raises(Conflict, match="须先通过理论考试"):
        services.practical_draw(actor=examiner(), application_id=application.pk)
    assert not PracticalAssessment.objects.exists()
    assert audits("practical.drawn") == 0


def test_one_task_is_drawn_per_subject_from_a_stored_seed_and_drawing_again_is_the_same():
    application = approved_application()
    scored_attempt(application, "80")
    assessment = services.practical_draw(actor=examiner(), application_id=application.pk)
    rows = list(assessment.subject_scores.select_related("subject", "task"))
    assert [row.subject.code for row in rows] == ["K1", "K2", "K3", "K4"]
    assert all(row.task.subject_id == row.subject_id for row in rows)
    assert services.regenerate_draw(assessment) == {row.subject.code: row.task.code for row in rows}
    again = services.practical_draw(
        actor=acting_as("yc_exam_center"), application_id=application.pk
    )
    assert again.pk == assessment.pk
    assert PracticalSubjectScore.objects.count() == 4
    assert audits("practical.drawn") == 1
    # The result now holds the theory passed on this application.
    assert ExamResult.objects.get(application=application).theory_score == Decimal(80)


def test_the_draw_is_a_function_of_the_seed():
    subjects = {"K1": ["K11", "K12", "K13"], "K2": ["K21", "K22", "K23", "K24"], "K3": ["K31"]}
    assert all(
        rules.draw_tasks(f"s{n}", subjects) == rules.draw_tasks(f"s{n}", subjects)
        for n in range(50)
    )
    assert len({rules.draw_tasks(f"s{n}", subjects)["K2"] for n in range(50)}) == 4


@pytest.mark.parametrize(
    ("days_after", "counts"),
    [(364, True), (365, True), (366, False)],
)
def test_a_theory_passed_earlier_counts_for_12_months(days_after, counts, time_machine):
    """Passed on 2025-12-02: it counts on 2026-12-02 (day 365) and not on 2026-12-03."""
    earlier = approved_application(practical_session(exam_date=datetime(2025, 12, 2).date()))
    theory_passed(earlier, passed_at=datetime(2025, 12, 2, 11, tzinfo=ZoneInfo("Asia/Shanghai")))
    now = datetime(2025, 12, 2, 15, tzinfo=ZoneInfo("Asia/Shanghai")) + timedelta(days=days_after)
    time_machine.move_to(now, tick=False)
    later = approved_application(practical_session(), person=earlier.person)
    if counts:
        assessment = services.practical_draw(actor=examiner(), application_id=later.pk)
        result = ExamResult.objects.get(application=later)
        assert result.theory_passed_at == earlier.result.theory_passed_at
        assert assessment.status == rules.DRAWN
        return
    with pytest.raises(Conflict, match="须先通过理论考试"):
        services.practical_draw(actor=examiner(), application_id=later.pk)
    assert not PracticalAssessment.objects.filter(application=later).exists()


def test_a_leap_year_pass_counts_on_day_366_and_not_on_day_367():
    from peikao.exams.rules.results import theory_pass_counts

    passed = datetime(2027, 3, 1).date()  # 2028-02-29 lies within the year
    assert theory_pass_counts(passed, on_date=passed + timedelta(days=366), months=12)
    assert not theory_pass_counts(passed, on_date=passed + timedelta(days=367), months=12)


def test_a_session_without_a_practical_exam_has_no_draw():
    application = approved_application(practical_session(practical=False))
    theory_passed(application)
    with pytest.raises(Conflict, match="该考试不含实际操作考试"):
        services.practical_draw(actor=examiner(), application_id=application.pk)


def test_an_application_not_approved_has_no_draw():
    application = approved_application()
    ExamApplication.objects.filter(pk=application.pk).update(status="returned")
    theory_passed(application)
    with pytest.raises(Conflict, match="不能参加实操考试"):
        services.practical_draw(actor=examiner(), application_id=application.pk)
    assert not PracticalAssessment.objects.exists()


def test_an_unassigned_examiner_or_one_of_another_point_does_not_find_the_application():
    unassigned = approved_application(practical_session(examiners=()))
    theory_passed(unassigned)
    with pytest.raises(NotFound):
        services.practical_draw(actor=examiner(), application_id=unassigned.pk)
    other_point = Organization.objects.exam_points().exclude(pk=unassigned.session.exam_point_id)
    elsewhere = approved_application(practical_session(exam_point=other_point.first()))
    theory_passed(elsewhere)
    with pytest.raises(NotFound):
        services.practical_draw(actor=examiner(), application_id=elsewhere.pk)
    with pytest.raises(PermissionDenied):
        services.practical_draw(actor=acting_as("huaan_proctor"), application_id=unassigned.pk)
    assert not PracticalAssessment.objects.exists()


# --------------------------------------------------------------------------- scoring and signing


def test_full_marks_score_100_and_signing_passes_the_result():
    assessment = enter_all(drawn(), {})
    assessment = enter_all(assessment, full_marks(assessment))
    assert (assessment.status, assessment.total, assessment.vetoed) == ("scored", 100, False)
    services.practical_sign(actor=examiner(), assessment_id=assessment.pk)
    assessment.refresh_from_db()
    assert assessment.status == "signed" and assessment.signed_at is not None
    assert assessment.examiner.username == EXAMINER
    result = ExamResult.objects.get(application=assessment.application)
    assert (result.status, result.practical_score) == ("passed", 100)


@pytest.mark.parametrize(("total", "outcome"), [("79.9", "failed"), ("80", "passed")])
def test_79_9_fails_and_80_passes(total, outcome):
    assessment = drawn()
    assessment = enter_all(assessment, marks_totalling(assessment, Decimal(total)))
    assert assessment.total == Decimal(total)
    services.practical_sign(actor=examiner(), assessment_id=assessment.pk)
    assert ExamResult.objects.get(application=assessment.application).status == outcome


def test_a_failed_veto_fails_at_95():
    assessment = drawn()
    assessment = enter_all(assessment, marks_totalling(assessment, Decimal(95)), {"K2": [0]})
    assert (assessment.total, assessment.vetoed) == (95, True)
    services.practical_sign(actor=examiner(), assessment_id=assessment.pk)
    assert ExamResult.objects.get(application=assessment.application).status == "failed"


@pytest.mark.parametrize(
    ("points", "vetoes", "message"),
    [
        (lambda p: [p[0] + 1, *p[1:]], [], "得分应在0至"),
        (lambda p: [-1, *p[1:]], [], "得分应在0至"),
        (lambda p: ["很好", *p[1:]], [], "得分应为数字"),
        (lambda p: ["0.25", *p[1:]], [], "最多保留一位小数"),
        (lambda p: p[1:], [], "应逐项填写得分"),
        (lambda p: p, [9], "否决项“9”不属于该题目"),
    ],
)
def test_a_bad_step_entry_is_refused_and_nothing_changes(points, vetoes, message):
    assessment = drawn()
    full = full_marks(assessment)["K1"]
    with pytest.raises(DomainError) as refused:
        services.practical_score_enter(
            actor=examiner(),
            assessment_id=assessment.pk,
            subject_code="K1",
            step_points=points(full),
            vetoes_failed=vetoes,
        )
    assert message in str(refused.value) and "K1 安全用具使用" in str(refused.value)
    row = assessment.subject_scores.get(subject__code="K1")
    assert (row.step_points, row.vetoes_failed, row.score) == ([], [], None)
    assert audits("practical.score_entered") == 0


def test_an_unknown_subject_is_refused():
    with pytest.raises(DomainError, match="该实操考试没有科目“K9”"):
        services.practical_score_enter(
            actor=examiner(), assessment_id=drawn().pk, subject_code="K9", step_points=[]
        )


def test_only_the_assigned_examiner_scores():
    assessment = drawn()
    marks = full_marks(assessment)["K1"]
    for username, error in [
        ("yc_exam_center", PermissionDenied),
        ("huaan_point_clerk", PermissionDenied),
    ]:
        with pytest.raises(error):
            services.practical_score_enter(
                actor=acting_as(username),
                assessment_id=assessment.pk,
                subject_code="K1",
                step_points=marks,
            )
    from peikao.exams.models import SessionRoom

    SessionRoom.objects.get(session=assessment.application.session).staff.clear()
    with pytest.raises(NotFound):
        services.practical_score_enter(
            actor=examiner(), assessment_id=assessment.pk, subject_code="K1", step_points=marks
        )
    assert assessment.subject_scores.filter(score__isnull=False).count() == 0


def test_signing_needs_every_subject_scored():
    assessment = drawn()
    enter_all(assessment, {"K1": full_marks(assessment)["K1"]})
    with pytest.raises(Conflict, match="实操考试不能从“待考评”变为“已签名确认”"):
        services.practical_sign(actor=examiner(), assessment_id=assessment.pk)
    assessment.refresh_from_db()
    assert assessment.status == "drawn" and assessment.signed_at is None


def signed(total="100", vetoes=None) -> PracticalAssessment:
    assessment = drawn()
    enter_all(assessment, marks_totalling(assessment, Decimal(total)), vetoes)
    services.practical_sign(actor=examiner(), assessment_id=assessment.pk)
    assessment.refresh_from_db()
    return assessment


def test_a_signed_score_is_not_entered_again():
    assessment = signed()
    with pytest.raises(Conflict, match="只能以更正的方式"):
        services.practical_score_enter(
            actor=examiner(),
            assessment_id=assessment.pk,
            subject_code="K1",
            step_points=[0, 0, 0, 0],
        )
    assert assessment.subject_scores.get(subject__code="K1").score == 20


def correct(
    assessment, code, points, *, vetoes=(), reason="复核录像，步骤得分登记有误", actor=None
):
    return services.practical_correct(
        actor=actor or acting_as("yc_exam_center"),
        assessment_id=assessment.pk,
        subject_code=code,
        step_points=points,
        vetoes_failed=list(vetoes),
        reason=reason,
    )


def test_a_signed_score_changes_by_a_correction_with_its_reason_audited_before_and_after():
    assessment = signed("79.9")
    assert assessment.application.result.status == "failed"
    k1 = assessment.subject_scores.select_related("task").get(subject__code="K1")
    full = [step["points"] for step in k1.task.steps]
    correction = correct(assessment, "K1", full)
    assessment.refresh_from_db()
    assert assessment.total == Decimal("99.9")  # K1 was 0 of 20, and 0.1 came off K2
    assert correction.before["total"] == "79.9" and correction.after["total"] == "99.9"
    assert correction.before["step_points"] != correction.after["step_points"]
    record = AuditRecord.objects.get(action="practical.corrected")
    assert record.detail["reason"] == "复核录像，步骤得分登记有误"
    assert record.detail["before"]["total"] == "79.9"
    result = ExamResult.objects.get(application=assessment.application)
    assert result.status == "passed" and result.practical_score == Decimal("99.9")
    assert audits("exam_result.corrected") == 1


def test_a_correction_adding_a_veto_fails_a_passed_result():
    assessment = signed()
    k2 = assessment.subject_scores.select_related("task").get(subject__code="K2")
    correct(assessment, "K2", k2.step_points, vetoes=[0])
    assert ExamResult.objects.get(application=assessment.application).status == "failed"


def test_a_correction_is_refused_without_a_reason_or_a_change_or_before_signing():
    assessment = signed()
    k1 = assessment.subject_scores.get(subject__code="K1")
    with pytest.raises(DomainError, match="请填写更正原因"):
        correct(assessment, "K1", [0] * len(k1.step_points), reason="  ")
    with pytest.raises(DomainError, match="更正后的得分与原得分相同"):
        correct(assessment, "K1", k1.step_points)
    with pytest.raises(PermissionDenied):
        correct(assessment, "K1", [0] * len(k1.step_points), actor=acting_as("huaan_point_clerk"))
    unsigned = drawn()
    with pytest.raises(Conflict, match="只有已签名确认的实操成绩才需更正"):
        correct(unsigned, "K1", [0, 0, 0])
    assert not PracticalCorrection.objects.exists()
    assessment.refresh_from_db()
    assert assessment.total == 100
    assert audits("practical.corrected") == 0


def test_an_absent_candidate_is_marked_absent():
    assessment = drawn()
    services.practical_absent(actor=examiner(), assessment_id=assessment.pk)
    assessment.refresh_from_db()
    assert assessment.status == "absent"
    assert ExamResult.objects.get(application=assessment.application).status == "absent"
