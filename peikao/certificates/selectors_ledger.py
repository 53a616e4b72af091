"""Reads of certificates by the dates ahead: the enterprise's ledger of its staff (what is due,
what has lapsed, and special-operation posts held without a certificate in force), and the
regulators' forecast of reviews and renewals due per month, by county, item and employer.

Both are scoped twice: by Certificate.objects.visible_to(actor), and then by what the page is
about (the enterprise's current staff; the certificates located in the regulator's regions),
since visible_to also lets through people an actor had to do with before.
"""

import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Count, DateField, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from openpyxl import Workbook

from peikao.accounts.actor import Actor
from peikao.catalog.models import OperationItem
from peikao.certificates import rules
from peikao.certificates.models import Certificate
from peikao.core.errors import PermissionDenied
from peikao.core.masking import mask_id_number
from peikao.core.spreadsheets import neutralised_row
from peikao.exams.models import ExamApplication
from peikao.orgs.models import Region
from peikao.people.models import Person
from peikao.training.models import Enrolment

# "Due" on the ledger: in the review window or within this many days of the date.
DUE_WITHIN_DAYS = 90
# The page shows at most this many rows a section; the spreadsheet has them all.
PAGE_ROWS = 500
FORECAST_MONTHS = 24
CHART_SERIES = 8  # the largest groups get a colour each; the rest are stacked as 其他
EMPLOYER_ROWS = 50  # the employers' table names the largest; the rest are summed up

NOT_AN_ENTERPRISE = "证书台账供企业安全管理员查看本单位人员的证书。"
NOT_A_REGULATOR = "证书到期预测供应急管理部门和考试中心使用。"

SECTION_DUE = "due"
SECTION_LAPSED = "lapsed"
SECTION_MISSING = "missing"
SECTION_OK = ""
# Lapsed: the holder may no longer work in the post. Suspended is not lapsed in law, but the
# holder may not work either, and that is what the enterprise must know.
LAPSED = rules.ENDED | {rules.SUSPENDED}
MISSING_STATUS = "无有效证书"


def _due_on():
    """rules.due_date in SQL: the review date, or the end of validity if that comes first or
    there is no review."""
    return Case(
        When(
            review_due_on__isnull=False,
            review_due_on__lt=F("valid_until"),
            then=F("review_due_on"),
        ),
        default=F("valid_until"),
        output_field=DateField(),
    )


def _dates(certificate: Certificate) -> rules.Dates:
    return rules.Dates(
        first_issued=certificate.first_issued_on,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
        review_due=certificate.review_due_on,
        reviewed_on=certificate.reviewed_on,
    )


# --------------------------------------------------------------------------- A. the ledger


@dataclass(frozen=True)
class LedgerRow:
    """One line of the enterprise's ledger: a certificate, or a post held without one."""

    section: str
    person_id: int
    name: str
    id_number: str  # in full: the page and the spreadsheet mask it
    post: str
    kind_name: str = ""
    number: str = ""
    subject: str = ""
    first_issued: date | None = None
    valid_until: date | None = None
    review_due: date | None = None
    reviewed_on: date | None = None
    status: str = ""
    status_name: str = ""
    reminder: str = ""
    certificate_id: int | None = None

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


@dataclass
class Ledger:
    due: list[LedgerRow] = field(default_factory=list)
    lapsed: list[LedgerRow] = field(default_factory=list)
    missing: list[LedgerRow] = field(default_factory=list)
    in_order: list[LedgerRow] = field(default_factory=list)  # the rest, for the spreadsheet

    @property
    def rows(self) -> list[LedgerRow]:
        return [*self.due, *self.lapsed, *self.missing, *self.in_order]


def _require_enterprise(actor: Actor) -> None:
    if not actor.in_enterprise:
        raise PermissionDenied(NOT_AN_ENTERPRISE)


def _staff(actor: Actor) -> QuerySet[Person]:
    """The people the enterprise employs now: those it employed before may have moved on,
    and whose certificates are due is then their new employer's concern."""
    return Person.objects.visible_to(actor).filter(employer=actor.organization)


def _act_name(certificate: Certificate) -> str:
    if certificate.kind == rules.SAFETY_COMPETENCE:
        return "换证"
    return "延期换证" if rules.is_renewal_due(_dates(certificate)) else "复审"


def _due_reminder(certificate: Certificate, today: date) -> str:
    due = rules.due_date(_dates(certificate))
    act = _act_name(certificate)
    if due < today:
        return f"已超过应{act}日期 {(today - due).days} 天，须立即办理{act}，否则证书失效。"
    if due == today:
        return f"今天是应{act}日期，须今天办理{act}。"
    return f"应于 {due:%Y-%m-%d} 前办理{act}（还有 {(due - today).days} 天）。"


def _lapsed_reminder(certificate: Certificate) -> str:
    if certificate.status == rules.SUSPENDED:
        return "证书暂扣期间不得从事特种作业。"
    if certificate.status == rules.REVOKED:
        reason = rules.REVOCATION_REASONS.get(certificate.revocation_reason, "")
        text = f"证书已撤销（{reason}）" if reason else "证书已撤销"
        if certificate.revocation_reason in rules.BARRING_REVOCATIONS and certificate.revoked_on:
            ban_ends = rules.add_years(certificate.revoked_on, 3)
            text += f"，{ban_ends:%Y-%m-%d}前不得再次申请（令30号 第三十条）"
        return text + "，不得上岗作业。"
    if certificate.status == rules.CANCELLED:
        return "证书已注销，不得上岗作业。"
    return "证书已失效，须重新参加培训和考核取证后方可上岗。"


def _section(certificate: Certificate, today: date) -> str:
    if certificate.status in LAPSED:
        return SECTION_LAPSED
    if certificate.status in (rules.REVIEW_DUE, rules.OVERDUE):
        return SECTION_DUE
    due = rules.due_date(_dates(certificate))
    if certificate.status in rules.LIVE and due <= today + timedelta(days=DUE_WITHIN_DAYS):
        return SECTION_DUE
    return SECTION_OK


def _subject_key(certificate: Certificate) -> tuple:
    """What a newer certificate replaces an older one for: the item, or post and industry."""
    if certificate.item_id:
        return (certificate.holder_id, certificate.item_id)
    return (certificate.holder_id, certificate.post_category_id, certificate.industry_id)


def _certificate_row(certificate: Certificate, section: str, today: date) -> LedgerRow:
    holder = certificate.holder
    reminder = ""
    if section == SECTION_DUE:
        reminder = _due_reminder(certificate, today)
    elif section == SECTION_LAPSED:
        reminder = _lapsed_reminder(certificate)
    return LedgerRow(
        section=section,
        person_id=holder.pk,
        name=holder.name,
        id_number=holder.id_number,
        post=holder.post,
        kind_name=rules.KIND_NAMES[certificate.kind],
        number=certificate.number,
        subject=certificate.subject_name,
        first_issued=certificate.first_issued_on,
        valid_until=certificate.valid_until,
        review_due=certificate.review_due_on,
        reviewed_on=certificate.reviewed_on,
        status=certificate.status,
        status_name=rules.STATUS_NAMES[certificate.status],
        reminder=reminder,
        certificate_id=certificate.pk,
    )


@dataclass(frozen=True)
class _ItemName:
    code: str
    label: str  # "1.2 低压电工作业"
    spellings: tuple[str, ...]  # the name, its aliases, and each without its closing 作业


def _item_names() -> list[_ItemName]:
    names = []
    for code, name, aliases in OperationItem.objects.values_list("code", "name", "aliases"):
        spellings = {name, *(aliases or [])}
        # A post is written "低压电工", not "低压电工作业": the trade without its 作业.
        spellings |= {s.removesuffix("作业") for s in spellings if len(s.removesuffix("作业")) >= 2}
        names.append(_ItemName(code, f"{code} {name}", tuple(sorted(spellings))))
    return names


def items_named_in(post: str, names: Iterable[_ItemName]) -> set[str]:
    """The codes of the operation items a free-text post names. A spelling found inside a
    longer one found at the same place does not count: "过氧化工艺" names 9.11, not also 9.10
    (氧化工艺)."""
    found: list[tuple[int, int, str]] = []
    for item in names:
        for spelling in item.spellings:
            start = post.find(spelling)
            while start >= 0:
                found.append((start, start + len(spelling), item.code))
                start = post.find(spelling, start + 1)
    return {
        code
        for start, end, code in found
        if not any(
            s <= start and end <= e and (e - s) > (end - start) and c != code for s, e, c in found
        )
    }


def _missing_rows(actor: Actor, staff: QuerySet[Person]) -> list[LedgerRow]:
    """Staff whose post, latest enrolment or latest exam application names an operation item
    for which they hold no certificate in force."""
    latest_enrolment = (
        Enrolment.objects.visible_to(actor)
        .filter(person_id=OuterRef("pk"))
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .order_by("-enrolled_at", "-pk")
    )
    latest_application = (
        ExamApplication.objects.visible_to(actor)
        .filter(person_id=OuterRef("pk"))
        .exclude(status=ExamApplication.Status.WITHDRAWN)
        .order_by("-applied_at", "-pk")
    )
    people = staff.annotate(
        trained_item=Subquery(latest_enrolment.values("training_class__item_id")[:1]),
        applied_item=Subquery(latest_application.values("item_id")[:1]),
    ).values_list("pk", "name", "id_number", "post", "trained_item", "applied_item")
    names = _item_names()
    labels = {item.code: item.label for item in names}
    in_force = set(
        Certificate.objects.visible_to(actor)
        .filter(holder__in=staff, status__in=rules.IN_FORCE, item__isnull=False)
        .values_list("holder_id", "item_id")
    )
    rows = []
    for person_id, name, id_number, post, trained, applied in people.order_by("name", "pk"):
        sources: dict[str, list[str]] = defaultdict(list)
        for code in sorted(items_named_in(post or "", names)):
            sources[code].append(f"岗位为“{post}”")
        if trained:
            sources[trained].append("最近报名培训该项目")
        if applied:
            sources[applied].append("最近报考该项目")
        for code, why in sources.items():
            if (person_id, code) in in_force:
                continue
            rows.append(
                LedgerRow(
                    section=SECTION_MISSING,
                    person_id=person_id,
                    name=name,
                    id_number=id_number,
                    post=post,
                    kind_name=rules.KIND_NAMES[rules.SPECIAL_OPERATION],
                    subject=labels.get(code, code),
                    status_name=MISSING_STATUS,
                    reminder=f"{'、'.join(dict.fromkeys(why))}，但没有该项目有效的特种作业操作证，"
                    "取证前不得上岗作业。",
                )
            )
    return rows


def ledger(actor: Actor, *, today: date | None = None) -> Ledger:
    """The enterprise's ledger of its current staff's certificates."""
    _require_enterprise(actor)
    today = today or timezone.localdate()
    staff = _staff(actor)
    certificates = list(
        Certificate.objects.visible_to(actor)
        .filter(holder__in=staff)
        .exclude(status=rules.ISSUING)
        .select_related("holder", "item", "industry", "post_category")
        .order_by("holder__name", "holder_id", "item_id", "-valid_from", "-pk")
    )
    # An ended certificate that a newer one has replaced is history, not something to act on.
    replaced = {_subject_key(c) for c in certificates if c.status in rules.LIVE}
    found = Ledger()
    for certificate in certificates:
        if certificate.status in rules.ENDED and _subject_key(certificate) in replaced:
            continue
        section = _section(certificate, today)
        row = _certificate_row(certificate, section, today)
        {
            SECTION_DUE: found.due,
            SECTION_LAPSED: found.lapsed,
            SECTION_OK: found.in_order,
        }[section].append(row)
    # The most urgent first.
    found.due.sort(key=lambda row: min(d for d in (row.review_due, row.valid_until) if d))
    found.missing = _missing_rows(actor, staff)
    return found


LEDGER_HEADER = [
    "姓名",
    "身份证号",
    "岗位",
    "证书类型",
    "证书编号",
    "准操项目",
    "初领日期",
    "有效期结束日期",
    "应复审日期",
    "实际复审日期",
    "状态",
    "提醒",
]


def _day(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def ledger_workbook(found: Ledger) -> bytes:
    """The ledger as employers keep it: one line per certificate or post without one; ID
    numbers masked, and every text a formula could hide in neutralised."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "证书台账"
    sheet.append(LEDGER_HEADER)
    for row in found.rows:
        sheet.append(
            neutralised_row(
                [
                    row.name,
                    row.masked_id_number,
                    row.post,
                    row.kind_name,
                    row.number,
                    row.subject,
                    _day(row.first_issued),
                    _day(row.valid_until),
                    _day(row.review_due),
                    _day(row.reviewed_on),
                    row.status_name,
                    row.reminder,
                ]
            )
        )
    widths = (10, 20, 14, 18, 22, 24, 12, 14, 12, 12, 10, 60)
    for column, width in zip("ABCDEFGHIJKL", widths, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- B. the forecast

BY_COUNTY, BY_ITEM, BY_EMPLOYER = "county", "item", "employer"
GROUPINGS = {BY_COUNTY: "按县（市、区）", BY_ITEM: "按操作项目", BY_EMPLOYER: "按工作单位"}
NO_EMPLOYER = "（未登记工作单位）"
OTHERS = "其他"


@dataclass(frozen=True)
class ForecastGroup:
    key: str
    name: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Forecast:
    months: list[date]  # the first day of each
    by: str
    groups: list[ForecastGroup]  # largest first; for employers the largest, then the rest
    totals: list[int]
    overdue: int  # live certificates whose date passed before this month
    counties: list[tuple[str, str]]  # the filter's choices
    items: list[tuple[str, str]]

    @property
    def total(self) -> int:
        return sum(self.totals)

    def chart(self) -> dict:
        """What static/certificates/forecast.js draws: a bar a month, stacked by group."""
        shown = self.groups[:CHART_SERIES]
        rest = self.groups[CHART_SERIES:]
        series = [{"name": group.name, "data": group.counts} for group in shown]
        if rest:
            series.append(
                {
                    "name": OTHERS,
                    "data": [sum(g.counts[i] for g in rest) for i in range(len(self.months))],
                }
            )
        return {"months": [f"{month:%Y-%m}" for month in self.months], "series": series}


def _months(today: date) -> list[date]:
    first = today.replace(day=1)
    months = []
    for offset in range(FORECAST_MONTHS):
        year, month = divmod(first.month - 1 + offset, 12)
        months.append(date(first.year + year, month + 1, 1))
    return months


@dataclass(frozen=True)
class _Place:
    code: str
    name: str
    level: str
    parent: str | None


def _places(codes: Iterable[str]) -> dict[str, _Place]:
    return {
        code: _Place(code, name, level, parent)
        for code, name, level, parent in Region.objects.filter(code__in=list(codes)).values_list(
            "code", "name", "level", "parent_id"
        )
    }


def county_of(code: str, places: dict[str, _Place]) -> str:
    """The county a region lies in: itself for a county (or a zone at county level), the
    county above it for anything below one; a city or the province stands for itself (its
    本级: the units it registers directly)."""
    seen: str | None = code
    while seen is not None and seen in places:
        place = places[seen]
        if place.level == Region.Level.COUNTY:
            return seen
        if place.level in (Region.Level.CITY, Region.Level.PROVINCE):
            break
        seen = place.parent
    return code


def _county_name(code: str, places: dict[str, _Place]) -> str:
    place = places.get(code)
    if place is None:
        return code
    if place.level == Region.Level.CITY:
        return f"{place.name}（市本级）"
    if place.level == Region.Level.PROVINCE:
        return f"{place.name}（省本级）"
    return place.name


def _located(actor: Actor) -> QuerySet[Certificate]:
    """Live certificates the actor sees, each where its holder works (the employer's region),
    or where it was issued when the holder has no employer; only those located in the actor's
    regions: a county regulator plans its county's reviews, not those of the people it once
    had to do with."""
    return (
        Certificate.objects.visible_to(actor)
        .filter(status__in=rules.LIVE)
        .annotate(
            due_on=_due_on(),
            located_in=Coalesce("holder__employer__region_id", "issuer_region_id"),
        )
        .filter(Q(located_in__in=sorted(actor.region_codes)))
    )


def forecast(
    actor: Actor,
    *,
    county: str = "",
    item: str = "",
    by: str = BY_COUNTY,
    today: date | None = None,
) -> Forecast:
    """Certificates due for review or renewal in each of the next 24 months (this one
    included), in one aggregate query, grouped by county, item or employer."""
    if not actor.is_region_wide:
        raise PermissionDenied(NOT_A_REGULATOR)
    today = today or timezone.localdate()
    by = by if by in GROUPINGS else BY_COUNTY
    months = _months(today)
    end = rules.add_years(months[0], 2)
    places = _places(actor.region_codes)
    counties = sorted(
        {county_of(code, places) for code in places},
        key=lambda code: (places[code].level != Region.Level.CITY, code),
    )
    county_choices = [(code, _county_name(code, places)) for code in counties]
    items = list(OperationItem.objects.filter(enabled=True).values_list("code", "name"))
    item_choices = [(code, f"{code} {name}") for code, name in items]

    # Q, not keywords: the lookups name _located's annotations, which the type checker's
    # view of the queryset does not carry across the call.
    chosen = Q()
    if county in dict(county_choices):
        located = {code for code in places if county_of(code, places) == county}
        chosen &= Q(located_in__in=sorted(located))
    if item in dict(item_choices):
        chosen &= Q(item_id=item)
    rows = _located(actor).filter(chosen)
    overdue = rows.filter(Q(due_on__lt=months[0])).count()
    figures = (
        rows.filter(Q(due_on__gte=months[0], due_on__lt=end))
        .annotate(month=TruncMonth("due_on", output_field=DateField()))
        .values(
            "month",
            "located_in",
            "item_id",
            "item__name",
            "post_category__name",
            "holder__employer_id",
            "holder__employer__name",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    index = {month: i for i, month in enumerate(months)}
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
    names: dict[str, str] = {}
    for row in figures:
        key, name = _group_of(by, row, places)
        names[key] = name
        counts[key][index[row["month"]]] += row["n"]
    groups = sorted(
        (ForecastGroup(key, names[key], values) for key, values in counts.items()),
        key=lambda group: (-group.total, group.name),
    )
    if by == BY_EMPLOYER and len(groups) > EMPLOYER_ROWS:
        rest = groups[EMPLOYER_ROWS:]
        groups = [
            *groups[:EMPLOYER_ROWS],
            ForecastGroup(
                "others",
                f"其他 {len(rest)} 家单位",
                [sum(g.counts[i] for g in rest) for i in range(len(months))],
            ),
        ]
    totals = [sum(group.counts[i] for group in groups) for i in range(len(months))]
    return Forecast(months, by, groups, totals, overdue, county_choices, item_choices)


def _group_of(by: str, row: Mapping[str, Any], places: dict[str, _Place]) -> tuple[str, str]:
    if by == BY_ITEM:
        if row["item_id"]:
            return row["item_id"], f"{row['item_id']} {row['item__name']}"
        # A competence certificate has no item: its post stands for it.
        return f"post:{row['post_category__name']}", row["post_category__name"]
    if by == BY_EMPLOYER:
        if row["holder__employer_id"] is None:
            return "none", NO_EMPLOYER
        return str(row["holder__employer_id"]), row["holder__employer__name"]
    county = county_of(row["located_in"], places)
    return county, _county_name(county, places)
