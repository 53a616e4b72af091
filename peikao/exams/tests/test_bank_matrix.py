"""Every route of the bank, API and pages, as every demo account: the exam center and the
province's regulator read and write; every regulator reads; exam points, institutions,
enterprises and trainees get the answer a missing bank gets (404), and nothing changes."""

import pytest

from peikao.accounts.seed import DEMO_ACCOUNTS
from peikao.exams.models import Blueprint, Question, QuestionBank, QuestionVersion
from peikao.exams.tests.bank_helpers import row, workbook_of

pytestmark = pytest.mark.django_db

USERNAMES = [account.username for account in DEMO_ACCOUNTS]
WRITERS = {"yc_exam_center", "province_admin"}
READERS = WRITERS | {"yc_admin", "yc_officer", "yanhu_officer", "xz_officer"}

# Every API route of the bank (tests/test_jurisdiction_matrix.py lists them as covered here).
BANK_API_ROUTES = {
    "exams/banks": "test_reads_as_every_role",
    "exams/banks/<bank_id>": "test_reads_as_every_role",
    "exams/banks/<bank_id>/questions": "test_reads_as_every_role, test_writes_as_every_role",
    "exams/questions/<question_id>": "test_reads_as_every_role",
    "exams/questions/<question_id>/edit": "test_writes_as_every_role",
    "exams/questions/<question_id>/retire": "test_writes_as_every_role",
    "exams/banks/<bank_id>/import": "test_writes_as_every_role",
    "exams/banks/<bank_id>/export": "test_reads_as_every_role",
    "exams/banks/<bank_id>/template": "test_reads_as_every_role",
    "exams/banks/<bank_id>/blueprints": "test_reads_as_every_role, test_writes_as_every_role",
    "exams/blueprints/<blueprint_id>": "test_reads_as_every_role",
}


def test_every_demo_account_is_in_the_matrix():
    assert set(USERNAMES) >= READERS


@pytest.fixture
def rows():
    bank = QuestionBank.objects.get(key="low_voltage_electrician")
    question = Question.objects.filter(bank=bank).order_by("id").first()
    blueprint = Blueprint.objects.get(bank=bank)
    return {"bank": bank, "question": question, "blueprint": blueprint}


def read_urls(rows) -> list[str]:
    bank, question, blueprint = rows["bank"].pk, rows["question"].pk, rows["blueprint"].pk
    return [
        "/api/exams/banks",
        f"/api/exams/banks/{bank}",
        f"/api/exams/banks/{bank}/questions",
        f"/api/exams/questions/{question}",
        f"/api/exams/banks/{bank}/export",
        f"/api/exams/banks/{bank}/template",
        f"/api/exams/banks/{bank}/blueprints",
        f"/api/exams/blueprints/{blueprint}",
        "/exams/banks/",
        f"/exams/banks/{bank}/",
        f"/exams/banks/{bank}/?chapter=LV2&type=单选题&q=电",
        f"/exams/banks/{bank}/export/",
        f"/exams/banks/{bank}/template/",
        f"/exams/banks/{bank}/blueprints/",
        f"/exams/questions/{question}/",
    ]


@pytest.mark.parametrize("username", USERNAMES)
def test_reads_as_every_role(login_as, rows, username):
    client = login_as(username)
    want = 200 if username in READERS else 404
    for url in read_urls(rows):
        response = client.get(url)
        assert response.status_code == want, (url, response.status_code)
    # The pages that only write: the question form and the import.
    want = 200 if username in WRITERS else 403 if username in READERS else 404
    for url in [f"/exams/banks/{rows['bank'].pk}/new/", f"/exams/banks/{rows['bank'].pk}/import/"]:
        assert client.get(url).status_code == want, url
    if username in READERS:
        listed = client.get("/api/exams/banks").json()
        assert {bank["key"] for bank in listed} >= {"low_voltage_electrician"}


def question_body(stem: str) -> dict:
    return {
        "question_type": "判断题",
        "stem": stem,
        "answer": "对",
        "chapter": "LV1",
        "difficulty": "易",
    }


def blueprint_body() -> dict:
    return {
        "exam_type": "refresher",
        "name": "矩阵方案",
        "parts": [
            {"question_type": "true_false", "count": 70, "points": "1"},
            {"question_type": "single_choice", "count": 30, "points": "1"},
        ],
    }


@pytest.mark.parametrize("username", USERNAMES)
def test_writes_as_every_role(login_as, rows, username):
    client = login_as(username)
    bank, question = rows["bank"], rows["question"]
    before = (
        QuestionVersion.objects.count(),
        Blueprint.objects.count(),
        Question.objects.filter(retired=True).count(),
    )
    if username in WRITERS:
        want = {"create": 201, "edit": 200, "retire": 200, "import": 200, "blueprint": 201}
    elif username in READERS:
        want = dict.fromkeys(("create", "edit", "retire", "import", "blueprint"), 403)
    else:
        want = dict.fromkeys(("create", "edit", "retire", "import", "blueprint"), 404)
    answers = {
        "create": client.post(
            f"/api/exams/banks/{bank.pk}/questions",
            question_body(f"矩阵录入的判断题（{username}）"),
            content_type="application/json",
        ),
        "edit": client.post(
            f"/api/exams/questions/{question.pk}/edit",
            question_body(f"矩阵修改的判断题（{username}）"),
            content_type="application/json",
        ),
        "retire": client.post(
            f"/api/exams/questions/{question.pk}/retire",
            {"reason": "矩阵测试"},
            content_type="application/json",
        ),
        "import": client.post(
            f"/api/exams/banks/{bank.pk}/import",
            {"file": workbook_of([row(stem=f"矩阵导入的判断题（{username}）", chapter="LV3")])},
        ),
        "blueprint": client.post(
            f"/api/exams/banks/{bank.pk}/blueprints",
            blueprint_body(),
            content_type="application/json",
        ),
    }
    got = {name: response.status_code for name, response in answers.items()}
    assert got == want, {name: r.content[:200] for name, r in answers.items()}
    if username not in WRITERS:
        after = (
            QuestionVersion.objects.count(),
            Blueprint.objects.count(),
            Question.objects.filter(retired=True).count(),
        )
        assert after == before
        for response in answers.values():
            assert not response.json()["detail"].isascii()


@pytest.mark.parametrize("username", USERNAMES)
def test_page_writes_as_every_role(login_as, rows, username):
    client = login_as(username)
    bank, question = rows["bank"], rows["question"]
    before = QuestionVersion.objects.count()
    responses = [
        client.post(
            f"/exams/banks/{bank.pk}/new/",
            {**question_body(f"页面录入的判断题（{username}）"), "question_type": "判断题"},
        ),
        client.post(
            f"/exams/questions/{question.pk}/",
            {**question_body(f"页面修改的判断题（{username}）"), "question_type": "判断题"},
        ),
        client.post(f"/exams/questions/{question.pk}/retire/", {"reason": "页面矩阵"}),
        client.post(
            f"/exams/banks/{bank.pk}/import/",
            {"file": workbook_of([row(stem=f"页面导入（{username}）", chapter="LV3")])},
        ),
        client.post(
            f"/exams/banks/{bank.pk}/blueprints/",
            {
                "exam_type": "review",
                "name": "页面方案",
                "duration_minutes": 120,
                "pass_mark": 80,
                "points__true_false": "1",
                "points__single_choice": "1",
                "count__true_false___any": 70,
                "count__single_choice___any": 30,
            },
        ),
    ]
    codes = [response.status_code for response in responses]
    if username in WRITERS:
        assert codes == [302, 302, 302, 302, 302], codes
        assert Question.objects.get(pk=question.pk).retired
        assert Blueprint.objects.filter(bank=bank, exam_type="review").exists()
    elif username in READERS:
        assert codes == [403] * 5, codes
        assert QuestionVersion.objects.count() == before
    else:
        assert codes == [404] * 5, codes
        assert QuestionVersion.objects.count() == before
        assert not Question.objects.get(pk=question.pk).retired
