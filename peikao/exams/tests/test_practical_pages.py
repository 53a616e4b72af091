"""The examiner's day through the pages: draw, enter each subject, sign; a bad entry is named
in Chinese and changes nothing; the candidate sees the result; the exam center corrects a
signed score with its reason and reads the pass rates."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from peikao.exams.models import ExamResult, PracticalAssessment, PracticalCorrection
from peikao.exams.tests.practical_factories import approved_application, theory_passed
from peikao.people.models import Person

pytestmark = pytest.mark.django_db


def messages_of(response) -> str:
    return response.content.decode()


def test_the_examiner_draws_scores_and_signs_through_the_pages(login_as):
    application = approved_application(person=Person.objects.get(name="张三"))
    theory_passed(application)
    client = login_as("huaan_examiner")
    listing = client.get("/exams/practical/")
    assert "待抽题考生" in listing.content.decode() and "张三" in listing.content.decode()
    drawn = client.post(f"/exams/practical/draw/{application.pk}/", follow=True)
    assessment = PracticalAssessment.objects.get(application=application)
    assert drawn.redirect_chain[-1][0] == f"/exams/practical/{assessment.pk}/"
    page = drawn.content.decode()
    assert "已抽取实操考题。" in page and "K1 安全用具使用" in page and "否决项" in page

    # A step above its points: named, nothing stored.
    rows = list(assessment.subject_scores.select_related("subject", "task"))
    first = rows[0]
    too_much = {f"step_{n}": step["points"] + 1 for n, step in enumerate(first.task.steps, 1)}
    refused = client.post(
        f"/exams/practical/{assessment.pk}/scores/", {"subject": "K1", **too_much}, follow=True
    )
    assert "得分应在0至" in refused.content.decode()
    first.refresh_from_db()
    assert first.score is None

    for row in rows:
        full = {f"step_{n}": step["points"] for n, step in enumerate(row.task.steps, 1)}
        saved = client.post(
            f"/exams/practical/{assessment.pk}/scores/",
            {"subject": row.subject.code, **full},
            follow=True,
        )
        assert "已保存该科目得分。" in saved.content.decode()
    signed = client.post(f"/exams/practical/{assessment.pk}/sign/", follow=True)
    assert "实操成绩已签名确认。" in signed.content.decode()
    assessment.refresh_from_db()
    assert (assessment.status, assessment.total) == ("signed", 100)

    mine = login_as("demo_trainee").get("/exams/results/").content.decode()
    assert "合格" in mine and "可申领证书" in mine


def test_the_exam_center_corrects_a_signed_score_with_a_reason_on_the_page(login_as):
    application = approved_application()
    theory_passed(application)
    examiner = login_as("huaan_examiner")
    examiner.post(f"/exams/practical/draw/{application.pk}/")
    assessment = PracticalAssessment.objects.get(application=application)
    for row in assessment.subject_scores.select_related("subject", "task"):
        full = {f"step_{n}": step["points"] for n, step in enumerate(row.task.steps, 1)}
        examiner.post(
            f"/exams/practical/{assessment.pk}/scores/", {"subject": row.subject.code, **full}
        )
    examiner.post(f"/exams/practical/{assessment.pk}/sign/")
    center = login_as("yc_exam_center")
    without_reason = center.post(
        f"/exams/practical/{assessment.pk}/corrections/",
        {"subject": "K3", "step_1": "10", "step_2": "0"},
        follow=True,
    )
    assert "请填写更正原因。" in without_reason.content.decode()
    assert not PracticalCorrection.objects.exists()
    corrected = center.post(
        f"/exams/practical/{assessment.pk}/corrections/",
        {"subject": "K3", "step_1": "10", "step_2": "0", "veto": ["0"], "reason": "复核录像"},
        follow=True,
    )
    page = corrected.content.decode()
    assert "实操成绩已更正" in page and "复核录像" in page
    assert ExamResult.objects.get(application=application).status == "failed"
    rates = center.get("/exams/results/pass-rates/").content.decode()
    assert "按培训机构" in rates and "0.0%" in rates
    bad_period = center.get("/exams/results/pass-rates/?start=2026-12-01&end=2026-11-01")
    assert "结束日期不能早于开始日期。" in bad_period.content.decode()


def test_the_blueprint_pages_show_the_standards_layout(login_as):
    client = login_as("huaan_examiner")
    listing = client.get("/exams/practical/blueprints/").content.decode()
    assert "低压电工作业实际操作考试" in listing
    from peikao.exams.tests.practical_factories import seeded_blueprint

    page = client.get(f"/exams/practical/blueprints/{seeded_blueprint().pk}/").content.decode()
    assert "K2 安全操作技术（40.0分，抽取一题）" in page and "带电接线" in page


def test_only_candidates_whose_theory_counts_are_offered_a_draw(login_as, time_machine):
    time_machine.move_to(datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    passed = approved_application(person=Person.objects.get(name="张三"))
    theory_passed(passed)
    failed = approved_application()
    ExamResult.objects.create(application=failed, person=failed.person, theory_score=40)
    lapsed = approved_application()
    theory_passed(lapsed, passed_at=timezone.now() - timedelta(days=400))
    listing = login_as("huaan_examiner").get("/exams/practical/").content.decode()
    offered = listing.split("待抽题考生", 1)[1].split("实操考试", 1)[0]
    assert "张三" in offered
    assert failed.person.name not in offered and lapsed.person.name not in offered
