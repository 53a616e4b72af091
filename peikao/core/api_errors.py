"""Refusals of the API's own layer (django-ninja and Pydantic) in Chinese, in the shape every
domain error has: `detail`, one sentence, and `errors`, each reason."""

from typing import Any

from ninja import Schema

# What a refusal of the request's shape says, by Pydantic's error type.
MESSAGES = {
    "missing": "请提供{field}。",
    "literal_error": "{field}只能是{expected}。",
    "enum": "{field}只能是{expected}。",
    "string_too_long": "{field}不能超过{max_length}个字符。",
    "string_too_short": "{field}不能少于{min_length}个字符。",
    "string_type": "{field}应为文字。",
    "int_parsing": "{field}应为整数。",
    "int_type": "{field}应为整数。",
    "int_from_float": "{field}应为整数。",
    "decimal_max_digits": "{field}最多{max_digits}位数字。",
    "decimal_max_places": "{field}最多{decimal_places}位小数。",
    "decimal_whole_digits": "{field}的整数部分最多{whole_digits}位。",
    "float_parsing": "{field}应为数字。",
    "decimal_parsing": "{field}应为数字。",
    "bool_parsing": "{field}应为 true 或 false。",
    "timezone_aware": "{field}应带时区，如 2026-12-01T08:00:00+08:00。",
    "offset_out_of_range": "{field}的时区偏移不能超过 ±15:59。",
    "year_out_of_range": "{field}的年份应在{earliest}年至{latest}年之间。",
    "string_pattern_mismatch": "{field}不能包含空字符（\\0）。",
    "datetime_parsing": "{field}应为带时区的日期时间，如 2026-12-01T08:00:00+08:00。",
    "datetime_type": "{field}应为带时区的日期时间，如 2026-12-01T08:00:00+08:00。",
    "datetime_from_date_parsing": "{field}应为带时区的日期时间，如 2026-12-01T08:00:00+08:00。",
    "date_parsing": "{field}应为日期，如 2026-12-01。",
    "date_type": "{field}应为日期，如 2026-12-01。",
    "date_from_datetime_parsing": "{field}应为日期，如 2026-12-01。",
    "greater_than": "{field}应大于{gt}。",
    "greater_than_equal": "{field}不能小于{ge}。",
    "less_than": "{field}应小于{lt}。",
    "less_than_equal": "{field}不能大于{le}。",
    "list_type": "{field}应为列表。",
    "too_short": "{field}至少要有{min_length}项。",
    "too_long": "{field}最多{max_length}项。",
    "json_invalid": "请求内容不是有效的 JSON。",
}
OTHERWISE = "{field}的格式不正确。"
# The parts of a location that name where, not which field.
PLACES = {"body", "query", "path", "header", "cookie", "form", "file", "payload"}

BY_STATUS = {
    401: "未登录，或设备密钥无效。",
    403: "无权执行此操作。",
    404: "未找到。",
    405: "不支持该请求方法。",
    429: "请求过于频繁，请稍后再试。",
}
NUL_REFUSED = "请求中含有空字符（\\0），无法处理。"
SERVER_ERROR = (
    "服务器内部错误，请稍后再试。如问题持续，请联系平台运维人员并告知请求编号 {request_id}。"
)
CSRF_REFUSED = "请求缺少有效的 CSRF 令牌，请刷新页面后重试。"


def field_name(location: Any) -> str:
    names = [str(part) for part in location if str(part) not in PLACES]
    return f"“{'.'.join(names)}”" if names else "请求内容"


def in_path(errors: list[dict]) -> bool:
    """Whether a refusal is of the path: an id no row can have (2⁶³ or more) names nothing."""
    return any(tuple(error.get("loc", ()))[:1] == ("path",) for error in errors)


def validation_messages(errors: list[dict]) -> list[str]:
    """One Chinese sentence per refusal of Pydantic's, naming the field."""
    messages = []
    for error in errors:
        template = MESSAGES.get(error.get("type", ""), OTHERWISE)
        context = {
            # Pydantic lists the allowed values as "'in' or 'out'".
            key: str(value).replace(" or ", " 或 ")
            for key, value in (error.get("ctx") or {}).items()
        }
        try:
            messages.append(template.format(field=field_name(error.get("loc", ())), **context))
        except (KeyError, IndexError):
            messages.append(OTHERWISE.format(field=field_name(error.get("loc", ()))))
    return list(dict.fromkeys(messages))


def http_error_message(status: int, message: str) -> str:
    if message == "CSRF check Failed":
        return CSRF_REFUSED
    if message and not message.isascii():
        return message  # already ours, in Chinese
    return BY_STATUS.get(status, "请求未能处理。")


class RefusalOut(Schema):
    """What every refusal answers, whichever layer refused."""

    detail: str
    errors: list[str]


# What each refusal means, for the OpenAPI document.
REFUSALS = {
    400: "请求不符合业务规则",
    401: BY_STATUS[401],
    403: "无权执行此操作，或缺少 CSRF 令牌",
    404: "未找到，或不在您的管辖范围内",
    409: "与当前状态冲突",
    422: "请求内容的格式不正确",
}
# gunicorn refuses a request line over 4094 bytes (limit_request_line) before Django sees it,
# with a page of its own: an operation with parameters in its URL can answer this too.
REQUEST_LINE_TOO_LONG = {"description": "请求行过长（超过 4094 字节），Web 服务器未受理"}
# Any check of a caller's rights, scope or the record's state may refuse with these.
CALLER_REFUSALS = (400, 401, 403, 404, 409)


def declare_refusals(openapi: dict) -> dict:
    """Adds to each operation the refusals it can answer, all shaped as RefusalOut: 400 and 422
    where it takes parameters or a body (the shape, then the rules, may refuse them); 400, 401,
    403, 404 and 409 where a caller's session or key is checked (the services decide which
    apply, so each is declared); 404 on a public path with parameters in it; 414 where the URL
    carries parameters. A status an operation declares already is left as it is."""
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    refusal = RefusalOut.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas["RefusalOut"] = {**refusal, "description": "拒绝：detail 为一句话，errors 列出每条原因"}
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/RefusalOut"}}}
    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses: set[int] = set()
            parameters = operation.get("parameters", [])
            if parameters or "requestBody" in operation:
                statuses.update((400, 422))
            if operation.get("security"):
                statuses.update(CALLER_REFUSALS)
            elif any(parameter.get("in") == "path" for parameter in parameters):
                statuses.add(404)
            responses = operation["responses"]
            for status in sorted(statuses - {int(code) for code in responses}):
                responses[status] = {"description": REFUSALS[status], "content": content}
            if any(parameter.get("in") in ("path", "query") for parameter in parameters):
                responses.setdefault(414, REQUEST_LINE_TOO_LONG)
    return openapi
