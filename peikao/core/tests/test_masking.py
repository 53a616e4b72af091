import logging

from peikao.core.masking import PersonalDataLogFilter, mask_id_number, mask_phone, mask_text


def test_id_number_keeps_region_prefix_and_last_four():
    assert mask_id_number("140802199001011237") == "1408**********1237"


def test_mobile_keeps_first_three_and_last_four():
    assert mask_phone("13800001234") == "138****1234"


def test_free_text_is_masked_wherever_numbers_appear():
    text = "学员140802199001011237，电话13800001234，已报名"
    assert mask_text(text) == "学员1408**********1237，电话138****1234，已报名"


def test_log_filter_masks_arguments_as_well_as_the_message():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "导入 %s 失败", ("14080219900101123X",), None
    )
    PersonalDataLogFilter().filter(record)
    assert record.getMessage() == "导入 1408**********123X 失败"


def test_log_filter_masks_tracebacks():
    try:
        raise ValueError("Key (id_number)=(140802199001011237) already exists.")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "失败", None, sys.exc_info())
    PersonalDataLogFilter().filter(record)
    assert record.exc_info is None
    traceback_text = record.exc_text or ""
    assert "1408**********1237" in traceback_text
    assert "140802199001011237" not in traceback_text
