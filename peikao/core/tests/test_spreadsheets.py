import pytest

from peikao.core.spreadsheets import neutralised, neutralised_row


@pytest.mark.parametrize(
    "typed",
    ['=HYPERLINK("http://example.invalid","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"],
)
def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text(typed):
    assert neutralised(typed) == "'" + typed


def test_everything_else_is_written_as_it_is():
    values = ["张三", "2026-12-01", "140802199001011237", 5, -3, None, ""]
    assert neutralised_row(values) == values
