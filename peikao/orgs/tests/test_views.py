import pytest
from django.urls import reverse

from peikao.orgs.models import Organization

pytestmark = pytest.mark.django_db

HUAAN = "运城市华安应急安全服务有限公司"
FENGXI = "丰喜集团安全技术培训中心"


def institution(name: str) -> Organization:
    return Organization.objects.get(kind=Organization.Kind.INSTITUTION, name=name)


def detail_url(organization: Organization) -> str:
    return reverse("orgs:detail", args=[organization.pk])


def status_url(organization: Organization) -> str:
    return reverse("orgs:status", args=[organization.pk])


def test_directory_is_public_and_lists_the_seven_institutions(client):
    response = client.get(reverse("orgs:directory"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "共 7 家培训机构" in page
    assert page.count('data-testid="institution"') == 7
    assert "0359-2666288" in page  # consultation phones are public, shown in full
    assert "低压电工作业" in page and "电工作业" in page


def test_directory_filtered_to_a_city_without_institutions_says_so(client):
    page = client.get(reverse("orgs:directory"), {"city": "140900"}).content.decode()
    assert "共 0 家培训机构" in page
    assert "该市暂无登记的培训机构。" in page


@pytest.mark.parametrize("url_name", ["orgs:list", "orgs:detail"])
def test_organization_pages_send_anonymous_users_to_login(client, url_name):
    args = [institution(HUAAN).pk] if url_name == "orgs:detail" else []
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_city_regulator_sees_the_organizations_of_its_city(login_as):
    response = login_as("yc_officer").get(reverse("orgs:list"), {"kind": "institution"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "辖区单位" in page
    assert HUAAN in page and FENGXI in page
    assert "忻州" not in page


def test_an_institution_sees_only_itself_as_its_own_unit(login_as):
    page = login_as("huaan_admin").get(reverse("orgs:list")).content.decode()
    assert "本单位" in page and HUAAN in page
    assert FENGXI not in page


def test_city_regulator_gets_the_status_form(login_as):
    response = login_as("yc_officer").get(detail_url(institution(HUAAN)))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="status-form"' in page
    assert 'value="suspended"' in page and 'value="exited"' in page
    assert 'value="active"' not in page  # an active institution cannot be reinstated


def test_county_regulator_and_the_institution_get_no_status_form(login_as):
    for username in ("yanhu_officer", "huaan_admin"):
        response = login_as(username).get(detail_url(institution(HUAAN)))
        assert response.status_code == 200
        assert 'data-testid="status-form"' not in response.content.decode()


def test_an_institution_cannot_open_another_institutions_page(login_as):
    response = login_as("huaan_admin").get(detail_url(institution(FENGXI)))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_city_regulator_suspends_and_reinstates_an_institution(login_as):
    client = login_as("yc_officer")
    huaan = institution(HUAAN)
    response = client.post(
        status_url(huaan), {"target": "suspended", "reason": "第二季度考评排名末位"}, follow=True
    )
    page = response.content.decode()
    assert "机构状态已变更为“暂停培训”。" in page
    assert "第二季度考评排名末位" in page and "运城市局人教科" in page
    huaan.refresh_from_db()
    assert (huaan.status, huaan.status_reason) == ("suspended", "第二季度考评排名末位")

    client.post(status_url(huaan), {"target": "active", "reason": "整改完成"})
    huaan.refresh_from_db()
    assert huaan.status == "active"


def test_county_regulator_cannot_change_the_status(login_as):
    huaan = institution(HUAAN)
    response = login_as("yanhu_officer").post(
        status_url(huaan), {"target": "suspended", "reason": "越权尝试"}, follow=True
    )
    assert response.status_code == 403
    assert "只有市级及以上应急管理部门可以变更培训机构登记信息或状态。" in response.content.decode()
    huaan.refresh_from_db()
    assert (huaan.status, huaan.status_reason) == ("active", "")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"target": "suspended", "reason": "  "}, "请填写原因。"),
        ({"target": "suspended", "reason": "因" * 501}, "原因不能超过500个字符。"),
        ({"reason": "考评末位"}, "请选择变更后的状态。"),
        ({"target": "closed", "reason": "考评末位"}, "变更后的状态的选项无效，请从列表中选择。"),
    ],
)
def test_a_status_change_without_a_reason_or_target_or_with_a_reason_too_long_is_refused(
    login_as, data, message
):
    huaan = institution(HUAAN)
    response = login_as("yc_officer").post(status_url(huaan), data, follow=True)
    assert [str(m) for m in response.context["messages"]] == [message]
    huaan.refresh_from_db()
    assert (huaan.status, huaan.status_reason) == ("active", "")
    assert huaan.history.count() == 1


def test_a_status_change_with_a_reason_of_the_columns_length(login_as):
    huaan = institution(HUAAN)
    response = login_as("yc_officer").post(
        status_url(huaan), {"target": "exited", "reason": "因" * 500}, follow=True
    )
    assert "机构状态已变更为“已退出”。" in response.content.decode()
    huaan.refresh_from_db()
    assert (huaan.status, huaan.status_reason) == ("exited", "因" * 500)


def test_a_status_change_of_an_institution_out_of_scope_is_the_404_page(login_as):
    fengxi = institution(FENGXI)
    response = login_as("xz_officer").post(
        status_url(fengxi), {"target": "suspended", "reason": "越权尝试"}
    )
    assert response.status_code == 404
    fengxi.refresh_from_db()
    assert fengxi.status == "active"


def test_status_change_needs_post(login_as):
    response = login_as("yc_officer").get(status_url(institution(HUAAN)))
    assert response.status_code == 405


def test_an_unknown_kind_in_the_filter_is_named_and_the_whole_list_shown(login_as):
    page = login_as("yc_officer").get("/orgs/", {"kind": "spaceport"}).content.decode()
    assert "单位类型的选项无效，请从列表中选择。" in page
    assert "运城市华安应急安全服务有限公司" in page
