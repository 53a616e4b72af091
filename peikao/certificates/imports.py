"""The legacy import's spreadsheet: a city's holders as its old system exports them, under the
national lookup's column names, read and checked row by row.

Reading is streamed (core.spreadsheets.uploaded_workbook, read-only): a row becomes a small
dataclass and nothing else of the sheet is kept. Each row is checked against the catalogue and
the exam center's authority handed in (`Context`), so that this module runs no query: what the
database holds (the persons by ID number, the certificates already there) is checked by
services.importing. Every problem is one `Problem` named by its row, in Chinese.
"""

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO, Any

from openpyxl.utils.datetime import from_excel

from peikao.certificates import rules
from peikao.core.errors import DomainError
from peikao.core.identifiers import identity_or_refusal, normalise_identifier
from peikao.core.spreadsheets import uploaded_workbook

# A city's whole register in one file: far above the 5,000 rows of the other imports, and what
# bounds the memory one upload may take (a row is kept as a LegacyRow of about 1 KB).
MAX_ROWS = 100_000
# The file and what it inflates to. A 100,000-row export with the 17 columns is about 8 MB
# zipped and 75 MB unzipped (bench/certificate_import.py), above the settings' 20 MB unzipped
# that bound every other upload, which stay as they are: only this import, open to the exam
# center alone, passes these (the compression-ratio guard applies unchanged). openpyxl holds
# the shared strings whole: a worker may hold several hundred MB while it reads such a file.
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 120 * 1024 * 1024
# The page and the API list this many problems, with the count of all.
SHOWN_PROBLEMS = 200

# key: (the label used in messages, every header the old systems use for it)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("姓名", ("姓名", "持证人", "持证人姓名")),
    "id_number": ("身份证号码", ("身份证号码", "身份证号", "证件号码", "公民身份号码")),
    "number": ("证书编号", ("证书编号", "证号")),
    "kind": ("证书类型", ("证书类型", "证书种类")),
    "category": ("作业类别", ("作业类别",)),
    # Employers' ledgers say 准操项目 for the same column.
    "item": ("操作项目", ("操作项目", "准操项目")),
    "industry": ("行业类别", ("行业类别", "行业")),
    "unit_name": ("单位名称", ("单位名称", "工作单位")),
    "post": ("人员类别", ("人员类别",)),
    "first_issued": ("初领日期", ("初领日期",)),
    "valid_from": ("有效期开始日期", ("有效期开始日期", "有效期起")),
    "valid_until": ("有效期结束日期", ("有效期结束日期", "有效期止")),
    "review_due": ("应复审日期", ("应复审日期",)),
    "reviewed_on": ("实际复审日期", ("实际复审日期",)),
    "authority": ("签发机关", ("签发机关", "发证机关")),
    "status": ("状态", ("状态", "证书状态")),
    "revocation_reason": ("撤销原因", ("撤销原因",)),
    "revoked_on": ("撤销日期", ("撤销日期",)),
}
LABELS = {key: label for key, (label, _headers) in COLUMNS.items()}
REQUIRED_COLUMNS = (
    "name",
    "id_number",
    "number",
    "first_issued",
    "valid_from",
    "valid_until",
    "authority",
)

# The 状态 column: the old systems' words, and what the import does with each. 有效 (and the
# time-made 待复审 / 逾期未复审) leave the status to the dates.
STATUS_WORDS = {
    "有效": "",
    "正常": "",
    "待复审": "",
    "有效（复审期内）": "",
    "逾期未复审": "",
    "暂扣": "suspend",
    "撤销": "revoke",
    "已撤销": "revoke",
    "注销": "cancel",
    "已注销": "cancel",
    "失效": "lapse",
    "已失效": "lapse",
}
DEFAULT_REVOCATION = "expired_unreviewed"


@dataclass(frozen=True)
class Problem:
    """Something wrong with one row (row None: with the file as a whole)."""

    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        if self.row is None:
            return self.reason
        # "第N行：<字段>…": most reasons begin with their column's name already.
        text = (
            self.reason if self.reason.startswith(self.column) else f"{self.column}：{self.reason}"
        )
        return f"第{self.row}行：{text}"


class ImportRejected(DomainError):
    """The file is refused as a whole; `problems` says where and why, row by row."""

    def __init__(self, problems: list[Problem], *, rows: int = 0):
        self.problems = sorted(problems, key=lambda problem: problem.row or 0)
        self.count = len(self.problems)
        self.rows = rows  # the file's rows, for the job's page
        shown = [str(problem) for problem in self.problems[:SHOWN_PROBLEMS]]
        if self.count > SHOWN_PROBLEMS:
            shown.append(f"……共 {self.count} 处问题，以上为前 {SHOWN_PROBLEMS} 处。")
        super().__init__(*shown)

    @property
    def shown(self) -> list[Problem]:
        return self.problems[:SHOWN_PROBLEMS]


def problem_entry(problem: Problem) -> dict[str, Any]:
    """A problem as the job keeps it and the API answers it."""
    return {
        "row": problem.row,
        "column": problem.column,
        "reason": problem.reason,
        "message": str(problem),
    }


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class SheetRow:
    number: int  # as Excel numbers it
    values: dict[str, Any]
    # Columns written twice under two of their names (操作项目 and 准操项目) that disagree.
    conflicts: tuple[str, ...] = ()


# Exports often put a title ("运城市特种作业操作证台账") above the header: it is looked for in
# the first rows of each sheet.
HEADER_SEARCH_ROWS = 5


def _header_positions(header_line) -> dict[str, list[int]]:
    """Where each known column is, under any of its names; the old systems' other columns
    (序号, 性别, …) are left."""
    found: dict[str, list[int]] = {}
    for index, value in enumerate(header_line):
        title = "".join(str(value or "").split())
        for key, (_label, headers) in COLUMNS.items():
            if title in headers:
                found.setdefault(key, []).append(index)
    return found


def _missing_columns(found: dict[str, list[int]]) -> list[str]:
    missing = [LABELS[key] for key in REQUIRED_COLUMNS if key not in found]
    if "item" not in found and "post" not in found:
        missing.append("操作项目（或准操项目、人员类别）")
    return missing


def _is_blank(value: Any) -> bool:
    return value is None or str(value).strip() == ""


@dataclass(frozen=True)
class _Header:
    sheet: Any
    row: int
    positions: dict[str, list[int]]


def _certificates_header(workbook) -> _Header:
    """The one sheet whose first rows hold the certificates' header. A sheet of notes beside
    it is left; two sheets of certificates are refused, since only one would be read."""
    found: list[_Header] = []
    # The row that looks most like a header (the fewest missing columns), and what it lacks.
    every_column = _missing_columns({})
    nearest = (len(every_column), f"第1行应为表头，缺少这些列：{'、'.join(every_column)}。")
    any_content = False
    for sheet in workbook.worksheets:
        lines = sheet.iter_rows(values_only=True, max_row=HEADER_SEARCH_ROWS)
        for number, line in enumerate(lines, start=1):
            if all(_is_blank(value) for value in line):
                continue
            any_content = True
            positions = _header_positions(line)
            missing = _missing_columns(positions)
            if not missing:
                found.append(_Header(sheet, number, positions))
                break
            if positions and len(missing) < nearest[0]:
                place = f"工作表“{_cut(sheet.title)}”第{number}行"
                nearest = (len(missing), f"{place}像是表头，但缺少这些列：{'、'.join(missing)}。")
    if len(found) > 1:
        titles = "、".join(f"“{_cut(header.sheet.title)}”" for header in found)
        raise DomainError(
            f"工作表{titles}都是证书表：一次只导入一个工作表，请合并到一个工作表后上传。"
        )
    if found:
        return found[0]
    if not any_content:
        raise DomainError("表格是空的：第1行应为表头，第2行起每行一张证书。")
    raise DomainError(nearest[1] + "请使用旧系统按全国查询格式导出的表格，不要修改列名。")


def _row_values(line, positions: dict[str, list[int]]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Each column's value (the first filled of its names) and the columns whose names
    disagree."""
    values: dict[str, Any] = {}
    conflicts: list[str] = []
    for key, indexes in positions.items():
        filled = [line[i] for i in indexes if i < len(line) and not _is_blank(line[i])]
        values[key] = filled[0] if filled else None
        if len({lookup_key(value) for value in filled}) > 1:
            conflicts.append(key)
    return values, tuple(conflicts)


def read_rows(file: IO[bytes]) -> Iterator[SheetRow]:
    """Every non-empty data row of the certificates' sheet, streamed; the whole file is refused
    (a DomainError) when it is not an xlsx, has no header or no data, or more than MAX_ROWS
    rows. Consume it inside one pass: the workbook closes when the iteration ends."""
    with uploaded_workbook(
        file, max_bytes=MAX_FILE_BYTES, max_uncompressed_bytes=MAX_UNCOMPRESSED_BYTES
    ) as workbook:
        if not workbook.worksheets:
            raise DomainError("表格中没有工作表。")
        header = _certificates_header(workbook)
        lines = header.sheet.iter_rows(values_only=True, min_row=header.row + 1)
        count = 0
        for number, line in enumerate(lines, start=header.row + 1):
            values, conflicts = _row_values(line, header.positions)
            if all(_is_blank(value) for value in values.values()):
                continue
            count += 1
            if count > MAX_ROWS:
                raise DomainError(f"一次最多导入 {MAX_ROWS} 行，请分成几个文件上传。")
            yield SheetRow(number, values, conflicts)
        if not count:
            raise DomainError("表格中没有证书数据：请从表头的下一行起每行填写一张证书。")


# --------------------------------------------------------------------------- a row's values


@dataclass(frozen=True)
class Catalogue:
    """What the rows name, by every way the old systems write it. Built by the service."""

    items: dict[str, Any]  # name, alias, code or "code name" -> OperationItem
    categories: dict[str, str]  # name, code or "code name" -> category code
    industries: dict[str, Any]  # name or code -> Industry
    posts: dict[str, str]  # name or code -> PostCategory code


@dataclass(frozen=True)
class Context:
    """What the rows are checked against: the catalogue, the exam center's authority, today,
    and the terms in force for a kind on a date (from the rule values)."""

    catalogue: Catalogue
    authorities: frozenset[str]  # the names the city's authority signs under
    authority: str  # its present name, for the message
    today: date
    terms: Callable[[str, date], rules.Terms]


@dataclass(slots=True)
class LegacyRow:
    """One checked row: the certificate it becomes, with the transitions that bring it from
    签发中 to the status the old system and the dates give it."""

    row: int
    name: str
    id_number: str
    sex: str
    birth_date: date
    number: str
    kind: str
    post_category_id: str
    category_id: str | None
    item_id: str | None
    industry_id: str | None
    unit_name: str
    first_issued: date
    valid_from: date
    valid_until: date
    review_due: date | None
    reviewed_on: date | None
    review_interval_years: int
    authority: str
    transitions: list[str] = field(default_factory=list)
    revocation_reason: str = ""
    revoked_on: date | None = None
    status_reason: str = ""

    @property
    def subject(self) -> tuple[str, str | None, str | None]:
        """What one live certificate per person is counted by (the model's constraints)."""
        if self.item_id:
            return ("item", self.item_id, None)
        return ("post", self.post_category_id, self.industry_id)

    @property
    def status(self) -> str:
        """Where its transitions end: read from them, never set beside them."""
        if not self.transitions:
            return rules.ISSUING
        return rules.CERTIFICATE[self.transitions[-1]].target

    @property
    def live(self) -> bool:
        return self.status in rules.LIVE


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


# How much of a written value a message quotes: a whole 32,767-character cell is not.
SHOWN_LENGTH = 30


def _cut(value: Any) -> str:
    text = _text(value)
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + "…"


def lookup_key(value: Any) -> str:
    """A name as looked up: spaces and full-width forms of the old exports do not matter."""
    return "".join(normalise_identifier(_text(value)).split())


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_TIME_AFTER = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
# Excel's serial days of 1950-01-01 and 2199-12-31: a number outside is not a date of a
# certificate (2024 alone would be a day of 1905).
_SERIAL_RANGE = (18_264, 109_574)


def parse_date(value: Any) -> date | None:
    """An Excel date, its serial number, or a text like 2021-03-05, 2021/3/5, 2021.3.5,
    2021年3月5日 or 20210305; None when blank. Raises ValueError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 19_000_101 <= value <= 29_991_231:
            value = str(int(value))  # 20210305 typed as a number
        elif _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            parsed = from_excel(value)
            return parsed.date() if isinstance(parsed, datetime) else parsed
        else:
            raise ValueError(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = _TIME_AFTER.sub("", text)  # a text export may carry the time of day
    if re.fullmatch(r"\d{8}", text):
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    match = _DATE_TEXT.match(text)
    if not match:
        raise ValueError(value)
    year, month, day = (int(part) for part in match.groups())
    return date(year, month, day)


class _Reader:
    """Reads one row's cells, collecting every problem."""

    def __init__(self, row: SheetRow) -> None:
        self.row = row
        self.problems: list[Problem] = []

    def fail(self, key: str, reason: str) -> None:
        self.problems.append(Problem(self.row.number, LABELS[key], reason))

    def text(self, key: str, *, max_length: int, required: bool = False) -> str:
        text = _text(self.row.values.get(key))
        if required and not text:
            self.fail(key, f"{LABELS[key]}未填写。")
        elif len(text) > max_length:
            self.fail(key, f"{LABELS[key]}不能超过{max_length}个字（现为{len(text)}个）。")
        return text

    def day(self, key: str, *, required: bool = False) -> date | None:
        raw = self.row.values.get(key)
        try:
            value = parse_date(raw)
        except (ValueError, OverflowError):
            self.fail(
                key,
                f"{LABELS[key]}“{_cut(raw)}”不是日期，"
                "请写成 2021-03-05、2021/3/5 或 2021年3月5日。",
            )
            return None
        if value is None and required:
            self.fail(key, f"{LABELS[key]}未填写。")
        return value


def _identity(read: _Reader):
    raw = read.row.values.get("id_number")
    if isinstance(raw, float):
        # 18 digits do not survive as an Excel number: its last digits are already lost.
        read.fail(
            "id_number",
            "身份证号码被 Excel 存成了数字，末几位已经丢失。请把该列设为文本，重新填写后上传。",
        )
        return None
    try:
        return identity_or_refusal(_text(raw))
    except DomainError as wrong:
        read.fail("id_number", "".join(wrong.messages))
        return None


def _kind(read: _Reader, catalogue: Catalogue) -> str:
    """证书类型 as written, or inferred: an item (or 特种作业人员) makes a special-operation
    certificate, a principal's or manager's post a competence certificate."""
    written = _text(read.row.values.get("kind"))
    if written:
        if "特种作业" in written:
            return rules.SPECIAL_OPERATION
        if "管理能力" in written or "考核合格" in written:
            return rules.SAFETY_COMPETENCE
        read.fail(
            "kind",
            f"证书类型“{_cut(written)}”无法识别，应为“{rules.KIND_NAMES[rules.SPECIAL_OPERATION]}”或"
            f"“{rules.KIND_NAMES[rules.SAFETY_COMPETENCE]}”。",
        )
        return ""
    post = catalogue.posts.get(lookup_key(read.row.values.get("post")))
    if _text(read.row.values.get("item")) or _text(read.row.values.get("category")):
        return rules.SPECIAL_OPERATION
    if post == "special_operator":
        return rules.SPECIAL_OPERATION
    if post:
        return rules.SAFETY_COMPETENCE
    read.fail("kind", "证书类型未填写，也无法从操作项目或人员类别判断。")
    return ""


def _special(read: _Reader, catalogue: Catalogue) -> tuple[str | None, str | None] | None:
    """The item and its category of a special-operation certificate."""
    raw = read.row.values.get("item")
    written = _text(raw)
    if not written:
        read.fail("item", "操作项目未填写（特种作业操作证须填写操作项目或准操项目）。")
        return None
    if isinstance(raw, float) and lookup_key(f"{written}0") in catalogue.items:
        # Excel keeps 9.10 as the number 9.1: which of the two was meant is lost.
        read.fail(
            "item",
            f"操作项目被 Excel 存成了数字 {written}，分不清是 {written} 还是 {written}0。"
            "请填写项目名称，或把该列设为文本后重新填写编号。",
        )
        return None
    item = catalogue.items.get(lookup_key(written))
    if item is None:
        read.fail(
            "item", f"操作项目“{_cut(written)}”不在目录中（按名称、其他写法和编号都未找到）。"
        )
        return None
    if not item.issued_by_city:
        read.fail(
            "item",
            f"操作项目“{item.name}”由省级煤矿安全培训主管部门发证，不能由市考试中心导入。",
        )
        return None
    category = _text(read.row.values.get("category"))
    if category and catalogue.categories.get(lookup_key(category)) != item.category_id:
        read.fail(
            "category",
            f"作业类别“{_cut(category)}”与操作项目“{item.name}”不符（应为{item.category}）。",
        )
    post = _text(read.row.values.get("post"))
    if post and catalogue.posts.get(lookup_key(post)) != "special_operator":
        read.fail("post", f"人员类别“{_cut(post)}”与特种作业操作证不符（应为特种作业人员或不填）。")
    return item.code, item.category_id


def _competence(read: _Reader, catalogue: Catalogue) -> tuple[str, str] | None:
    """The post and industry of a competence certificate."""
    ok = True
    if _text(read.row.values.get("item")):
        read.fail("item", "安全生产知识和管理能力考核合格证不填写操作项目。")
        ok = False
    post_text = _text(read.row.values.get("post"))
    post = catalogue.posts.get(lookup_key(post_text))
    if post not in ("principal", "safety_manager"):
        read.fail(
            "post",
            f"人员类别“{_cut(post_text)}”应为主要负责人或安全生产管理人员。"
            if post_text
            else "人员类别未填写（主要负责人或安全生产管理人员）。",
        )
        ok = False
    industry_text = _text(read.row.values.get("industry"))
    industry = catalogue.industries.get(lookup_key(industry_text))
    if industry is None:
        read.fail(
            "industry",
            f"行业类别“{_cut(industry_text)}”不在目录中。" if industry_text else "行业类别未填写。",
        )
        ok = False
    elif not industry.assessed_by_emergency_management:
        read.fail(
            "industry",
            f"行业类别“{industry.name}”的人员不由应急管理部门考核发证，不能导入。",
        )
        ok = False
    if not read.text("unit_name", max_length=100, required=True):
        ok = False
    return (post, industry.code) if ok and post and industry else None


def _status_act(read: _Reader) -> tuple[str, str]:
    """What the 状态 column asks (a transition's name, '' for the dates to decide) and the
    revocation reason's key."""
    written = _text(read.row.values.get("status"))
    words = {lookup_key(word): act for word, act in STATUS_WORDS.items()}
    if written and lookup_key(written) not in words:
        read.fail("status", f"状态“{_cut(written)}”无法识别，应为有效、暂扣、撤销、注销或失效。")
        return "", ""
    act = words.get(lookup_key(written), "")
    reason_text = _text(read.row.values.get("revocation_reason"))
    if act != "revoke":
        return act, ""
    if not reason_text:
        return act, DEFAULT_REVOCATION
    for key, label in rules.REVOCATION_REASONS.items():
        if lookup_key(reason_text) in (lookup_key(key), lookup_key(label)):
            return act, key
    read.fail(
        "revocation_reason",
        f"撤销原因“{_cut(reason_text)}”无法识别，应为：{'、'.join(rules.REVOCATION_REASONS.values())}。",
    )
    return act, ""


def _review_dates(
    read: _Reader, valid_from: date, valid_until: date, reviewed_on: date | None, terms
) -> tuple[date | None, int]:
    """应复审日期 as given, or the one its interval gives after the last review; and the interval:
    a review due only at the end of validity is a holder granted the 6-year interval."""
    given = read.day("review_due")
    interval = terms.review_interval_years
    if given is not None:
        if not valid_from < given <= valid_until:
            read.fail(
                "review_due",
                f"应复审日期（{given:%Y-%m-%d}）应在有效期内"
                f"（{valid_from:%Y-%m-%d} 至 {valid_until:%Y-%m-%d}）。",
            )
        if given >= valid_until:
            interval = max(interval, rules.LONG_INTERVAL_YEARS)
        return given, interval
    due = rules.add_years(valid_from, interval)
    # A review done in the window before its date (or later) counts for that date.
    while (
        reviewed_on is not None
        and reviewed_on >= due - timedelta(days=terms.window_days)
        and due < valid_until
    ):
        due = rules.add_years(due, interval)
    return min(due, valid_until), interval


def _revocation_day(read: _Reader, act: str, first_issued: date | None, today: date):
    """撤销日期: only beside 撤销, and between the first issue and today."""
    revoked_on = read.day("revoked_on")
    if revoked_on is None:
        return None
    if act != "revoke":
        read.fail("revoked_on", "撤销日期已填写，但状态不是撤销：请核对状态或删去撤销日期。")
    elif revoked_on > today or (first_issued and revoked_on < first_issued):
        read.fail("revoked_on", f"撤销日期（{revoked_on:%Y-%m-%d}）应在初领日期和今天之间。")
    return revoked_on


def check_row(row: SheetRow, context: Context) -> LegacyRow | list[Problem]:
    """The certificate a row becomes, or every problem of it."""
    read = _Reader(row)
    for key in row.conflicts:
        names = "、".join(COLUMNS[key][1])
        read.fail(key, f"{LABELS[key]}在两列（{names}中的两个）都有填写，且不一致；请只保留一列。")
    name = read.text("name", max_length=50, required=True)
    identity = _identity(read)
    number = normalise_identifier(read.text("number", max_length=30, required=True))
    kind = _kind(read, context.catalogue)
    special = competence = None
    if kind == rules.SPECIAL_OPERATION:
        special = _special(read, context.catalogue)
    elif kind == rules.SAFETY_COMPETENCE:
        competence = _competence(read, context.catalogue)
    if (
        kind == rules.SPECIAL_OPERATION
        and identity
        and number
        and number != "T" + identity.id_number
    ):
        read.fail(
            "number",
            f"证书编号“{_cut(number)}”应为“T”加持证人的身份证号码（T{identity.id_number}）。",
        )
    first_issued = read.day("first_issued", required=True)
    valid_from = read.day("valid_from", required=True)
    valid_until = read.day("valid_until", required=True)
    reviewed_on = read.day("reviewed_on")
    today = context.today
    if valid_from and valid_until and valid_until <= valid_from:
        read.fail(
            "valid_until",
            f"有效期结束日期（{valid_until:%Y-%m-%d}）应晚于有效期开始日期（{valid_from:%Y-%m-%d}）。",
        )
    if first_issued and valid_from and first_issued > valid_from:
        read.fail(
            "first_issued",
            f"初领日期（{first_issued:%Y-%m-%d}）不能晚于有效期开始日期（{valid_from:%Y-%m-%d}）。",
        )
    for key, day in (("first_issued", first_issued), ("valid_from", valid_from)):
        if day and day > today:
            read.fail(key, f"{LABELS[key]}（{day:%Y-%m-%d}）晚于今天，旧系统的证书不应如此。")
    if reviewed_on and (reviewed_on > today or (first_issued and reviewed_on < first_issued)):
        read.fail("reviewed_on", f"实际复审日期（{reviewed_on:%Y-%m-%d}）应在初领日期和今天之间。")
    authority = read.text("authority", max_length=100, required=True)
    if authority and "".join(authority.split()) not in context.authorities:
        read.fail(
            "authority",
            f"签发机关“{_cut(authority)}”不是本市的发证机关（{context.authority}），"
            "只能导入本市签发的证书。",
        )
    if identity and first_issued and first_issued < rules.add_years(identity.birth_date, 18):
        read.fail(
            "first_issued",
            f"初领日期（{first_issued:%Y-%m-%d}）时持证人未满18周岁"
            f"（身份证号码的出生日期为{identity.birth_date:%Y-%m-%d}），请核对。",
        )
    act, revocation = _status_act(read)
    revoked_on = _revocation_day(read, act, first_issued, today)
    if read.problems or not (identity and kind and first_issued and valid_from and valid_until):
        return read.problems
    assert (special or competence) is not None
    terms = context.terms(kind, valid_from)
    longest = rules.add_years(valid_from, terms.validity_years) + timedelta(days=1)
    if valid_until > longest:
        read.fail(
            "valid_until",
            f"有效期结束日期（{valid_until:%Y-%m-%d}）距有效期开始日期（{valid_from:%Y-%m-%d}）"
            f"超过了该证书的有效期 {terms.validity_years} 年，请核对。",
        )
        return read.problems
    review_due, interval = None, 0
    if kind == rules.SPECIAL_OPERATION:
        review_due, interval = _review_dates(read, valid_from, valid_until, reviewed_on, terms)
        if read.problems:
            return read.problems
    legacy = LegacyRow(
        row=row.number,
        name=name,
        id_number=identity.id_number,
        sex=identity.sex,
        birth_date=identity.birth_date,
        number=number,
        kind=kind,
        post_category_id=competence[0] if competence else "special_operator",
        category_id=special[1] if special else None,
        item_id=special[0] if special else None,
        industry_id=competence[1] if competence else None,
        unit_name=_text(row.values.get("unit_name"))[:100] if competence else "",
        first_issued=first_issued,
        valid_from=valid_from,
        valid_until=valid_until,
        review_due=review_due,
        reviewed_on=reviewed_on,
        review_interval_years=interval,
        authority=authority,
        revocation_reason=revocation,
    )
    plan_status(legacy, act, terms, today, revoked_on=revoked_on)
    return legacy


def plan_status(
    legacy: LegacyRow, act: str, terms: rules.Terms, today: date, *, revoked_on: date | None
) -> None:
    """The transitions from 签发中, by the state machine's table: issued, then 暂扣 if the old
    system says so, then what time has made of it (rules.time_transition, as the nightly job
    would have), then 撤销 / 注销 / 失效 if the old system says so. The import writes the
    status they end in; an act the table refuses there (a lapse of a certificate time lapsed
    already) is left out."""
    machine = rules.CERTIFICATE
    status = rules.ISSUING
    names: list[str] = []

    def move(name: str) -> None:
        nonlocal status
        if not machine.refusal(status, name):
            status = machine[name].target
            names.append(name)

    move("issue")
    if act == "suspend":
        move("suspend")
    dates = rules.Dates(
        legacy.first_issued,
        legacy.valid_from,
        legacy.valid_until,
        legacy.review_due,
        legacy.reviewed_on,
    )
    # From 有效 time moves straight to where the dates put it (a lapse, not three steps).
    timed = rules.time_transition(status, dates, terms, today)
    if timed:
        move(timed)
    if act in ("revoke", "cancel", "lapse"):
        move(act)
    legacy.transitions = names
    if status == rules.REVOKED:
        legacy.revoked_on = revoked_on or today
        legacy.status_reason = "旧系统导入：" + rules.REVOCATION_REASONS[legacy.revocation_reason]
    elif status in (rules.SUSPENDED, rules.CANCELLED) or act == "lapse":
        legacy.status_reason = f"旧系统导入：{rules.STATUS_NAMES[status]}"


class _EarlierRows:
    """What the file's earlier rows said, each next row checked against it: the first row
    that gave an ID number, a certificate number, a certificate or a live one."""

    def __init__(self) -> None:
        self.names: dict[str, tuple[str, int]] = {}  # ID number -> its name, row
        self.holders: dict[str, tuple[str, int]] = {}  # certificate number -> ID number, row
        self.certificates: dict[tuple, int] = {}
        self.live: dict[tuple, int] = {}

    def problem(self, result: LegacyRow) -> Problem | None:
        row = result.row
        name, first = self.names.setdefault(result.id_number, (result.name, row))
        if name != result.name:
            return Problem(
                row,
                LABELS["name"],
                f"姓名“{_cut(result.name)}”与第{first}行同一身份证号码的姓名“{_cut(name)}”不一致。",
            )
        holder, first = self.holders.setdefault(result.number, (result.id_number, row))
        if holder != result.id_number:
            number = _cut(result.number)
            return Problem(
                row, LABELS["number"], f"证书编号“{number}”与第{first}行相同，但持证人不同。"
            )
        key = (result.id_number, result.subject)
        first = self.certificates.setdefault((*key, result.valid_from), row)
        if first != row:
            return Problem(row, LABELS["number"], f"与第{first}行是同一张证书（重复行）。")
        if result.live and (first := self.live.setdefault(key, row)) != row:
            return Problem(
                row,
                LABELS["number"],
                f"与第{first}行是同一持证人同一项目的两张在用证书，只能有一张。",
            )
        return None


def check_rows(rows: Iterator[SheetRow], context: Context) -> tuple[list[LegacyRow], list[Problem]]:
    """Every row checked, and the rows of the file checked against each other: one person
    under two names, one number for two holders, the same certificate twice, or two
    certificates in force for one holder and subject."""
    checked: list[LegacyRow] = []
    problems: list[Problem] = []
    earlier = _EarlierRows()
    for row in rows:
        result = check_row(row, context)
        if isinstance(result, list):
            problems += result
        elif problem := earlier.problem(result):
            problems.append(problem)
        else:
            checked.append(result)
    return checked, problems
