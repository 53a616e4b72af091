"""The bank's API and pages as the exam center uses them: what they answer and show."""

import io

import pytest
from openpyxl import load_workbook

from peikao.exams.models import Question, QuestionBank
from peikao.exams.seed_bank import bank_file_load
from peikao.exams.tests.bank_helpers import fixture_data, row, workbook_of

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def center(login_as):
    return login_as("yc_exam_center")


@pytest.fixture
def bank() -> QuestionBank:
    return bank_file_load(fixture_data())


def test_a_question_created_through_the_api_answers_with_its_version(center, bank):
    response = center.post(
        f"/api/exams/banks/{bank.pk}/questions",
        {
            "question_type": "多选题",
            "stem": "API 录入的多选题",
            "options": ["甲", "乙", "丙"],
            "answer": "A、C",
            "chapter": "T2",
            "difficulty": "难",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["current"]["answer"] == "AC"
    assert body["current"]["type_name"] == "多选题"
    assert [v["number"] for v in body["versions"]] == [1]
    edited = center.post(
        f"/api/exams/questions/{body['id']}/edit",
        {
            "question_type": "multiple_choice",
            "stem": "API 录入的多选题（改）",
            "options": ["甲", "乙", "丙"],
            "answer": "ABC",
            "chapter": "T2",
            "difficulty": "难",
        },
        content_type=JSON,
    ).json()
    assert [v["number"] for v in edited["versions"]] == [2, 1]
    assert edited["current"]["stem"] == "API 录入的多选题（改）"


def test_a_refused_question_answers_400_in_chinese(center, bank):
    response = center.post(
        f"/api/exams/banks/{bank.pk}/questions",
        {"question_type": "单选题", "stem": "", "answer": "Z", "chapter": "T1", "difficulty": "易"},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert "“题干”：请填写题干。" in response.json()["errors"]


def test_the_question_list_filters_searches_and_pages(center):
    bank = QuestionBank.objects.get(key="low_voltage_electrician")
    page = center.get(f"/api/exams/banks/{bank.pk}/questions?limit=100").json()
    assert len(page["items"]) == 100 and page["count"] == 244
    rest = center.get(f"/api/exams/banks/{bank.pk}/questions?limit=200&offset=100").json()
    assert len(page["items"]) + len(rest["items"]) == 244
    ids = [item["question_id"] for item in page["items"] + rest["items"]]
    assert len(set(ids)) == 244
    chosen = center.get(
        f"/api/exams/banks/{bank.pk}/questions?chapter=LV2&question_type=单选题&limit=100"
    ).json()["items"]
    assert chosen and {(q["chapter"], q["question_type"]) for q in chosen} == {
        ("LV2", "single_choice")
    }
    found = center.get(f"/api/exams/banks/{bank.pk}/questions", {"q": "绝缘"}).json()["items"]
    assert found and all("绝缘" in q["stem"] for q in found)


def test_an_import_refused_row_by_row_answers_400_with_the_problems(center, bank):
    file = workbook_of([row(stem="好的一行"), row(stem="", answer="甲"), row(stem="好的一行")])
    response = center.post(f"/api/exams/banks/{bank.pk}/import", {"file": file})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "文件有 3 处问题，未导入任何试题。"
    assert body["problems"] == [
        {"row": 3, "column": "题干", "reason": "请填写题干。"},
        {
            "row": 3,
            "column": "答案",
            "reason": "判断题的答案应为“对”或“错”（也可填√或×），不能是“甲”。",
        },
        {"row": 4, "column": "题干", "reason": "与第2行的题干相同。"},
    ]
    assert body["errors"][0] == "第3行“题干”：请填写题干。"
    assert Question.objects.filter(bank=bank).count() == 6


def test_an_import_refused_as_a_whole_has_one_problem_without_a_row(center, bank):
    response = center.post(
        f"/api/exams/banks/{bank.pk}/import", {"file": io.BytesIO(b"plain text")}
    )
    assert response.status_code == 400
    (problem,) = response.json()["problems"]
    assert problem["row"] is None and "xlsx" in problem["reason"]


def test_an_import_and_its_dry_run_through_the_api(center, bank):
    file = workbook_of([row(stem="API 导入的判断题")])
    checked = center.post(f"/api/exams/banks/{bank.pk}/import?dry_run=true", {"file": file})
    assert checked.json() == {"dry_run": True, "rows": 1, "created": 0}
    file = workbook_of([row(stem="API 导入的判断题")])
    done = center.post(f"/api/exams/banks/{bank.pk}/import", {"file": file})
    assert done.json() == {"dry_run": False, "rows": 1, "created": 1}


def test_the_export_is_a_workbook_of_the_layout(center, bank):
    response = center.get(f"/api/exams/banks/{bank.pk}/export")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content))["试题"]
    assert sheet.max_row == 7


def test_a_blueprint_through_the_api_shows_its_fill_per_part(center, bank):
    response = center.post(
        f"/api/exams/banks/{bank.pk}/blueprints",
        {
            "exam_type": "initial",
            "name": "API 方案",
            "parts": [
                {"question_type": "true_false", "chapter": "T1", "count": 2, "points": "30"},
                {"question_type": "single_choice", "count": 2, "points": "20"},
            ],
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["version"], body["total"], body["shortfalls"]) == (1, "100.0", [])
    assert [(p["chapter"], p["available"], p["short"]) for p in body["parts"]] == [
        ("T1", 2, False),
        (None, 2, False),
    ]
    short = center.post(
        f"/api/exams/banks/{bank.pk}/blueprints",
        {
            "exam_type": "initial",
            "name": "API 方案",
            "parts": [{"question_type": "multiple_choice", "count": 2, "points": "50"}],
        },
        content_type=JSON,
    )
    assert short.status_code == 400
    assert short.json()["errors"] == ["不限章节的多选题需要 2 道，题库只有 1 道可用。"]


# --------------------------------------------------------------------------- pages


def test_the_pages_show_the_bank_its_questions_and_a_question_s_history(center):
    bank = QuestionBank.objects.get(key="low_voltage_electrician")
    listing = center.get("/exams/banks/").content.decode()
    assert "低压电工作业理论考试演示题库" in listing and "演示" in listing
    page = center.get(f"/exams/banks/{bank.pk}/?type=判断题&chapter=LV1").content.decode()
    assert "下一页" not in page and "演示数据" in page
    question = Question.objects.filter(bank=bank).order_by("id").first()
    detail = center.get(f"/exams/questions/{question.pk}/").content.decode()
    assert "历次版本" in detail and "第1版" in detail


def test_the_import_page_lists_every_problem(center, bank):
    file = workbook_of([row(stem="页面导入", chapter="T9")])
    response = center.post(f"/exams/banks/{bank.pk}/import/", {"file": file})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="import-problems"' in body
    assert "章节“T9”不在本题库中" in body and "<td>2</td>" in body


def test_the_blueprint_page_marks_the_short_part(center, bank):
    center.post(
        f"/api/exams/banks/{bank.pk}/blueprints",
        {
            "exam_type": "initial",
            "name": "页面方案",
            "parts": [{"question_type": "multiple_choice", "count": 1, "points": "100"}],
        },
        content_type=JSON,
    )
    multiple = Question.objects.get(bank=bank, versions__question_type="multiple_choice")
    center.post(f"/api/exams/questions/{multiple.pk}/retire", {"reason": "过时"}, content_type=JSON)
    body = center.get(f"/exams/banks/{bank.pk}/blueprints/").content.decode()
    assert 'data-testid="blueprint-shortfalls"' in body
    assert "不限章节的多选题需要 1 道，题库只有 0 道可用。" in body
    assert "table-danger" in body


def test_the_question_form_refuses_in_chinese_on_the_page(center, bank):
    response = center.post(
        f"/exams/banks/{bank.pk}/new/",
        {
            "question_type": "单选题",
            "stem": "页面单选题",
            "option_A": "甲",
            "answer": "A",
            "chapter": "T1",
            "difficulty": "易",
        },
    )
    assert response.status_code == 400
    assert "单选题至少需要2个选项" in response.content.decode()
    assert not Question.objects.filter(versions__stem="页面单选题").exists()
