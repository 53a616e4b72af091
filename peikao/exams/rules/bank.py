"""A question as offices write it (a row of the bank's spreadsheet, a form, a line of the demo
bank's file) checked and turned into what a question version stores. Pure: the caller gives
the bank's chapters.

One path for every way in: the spreadsheet's 题型, 题干, 选项A…F, 答案, 解析, 章节, 难度 (and 来源)
as text, a reason per bad column in Chinese.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

TRUE_FALSE, SINGLE_CHOICE, MULTIPLE_CHOICE = "true_false", "single_choice", "multiple_choice"
TYPE_BY_NAME = {"判断题": TRUE_FALSE, "单选题": SINGLE_CHOICE, "多选题": MULTIPLE_CHOICE}
TYPE_NAMES = {value: name for name, value in TYPE_BY_NAME.items()}
DIFFICULTY_BY_NAME = {"易": 1, "中": 2, "难": 3}
DIFFICULTY_NAMES = {value: name for name, value in DIFFICULTY_BY_NAME.items()}
LETTERS = "ABCDEF"
MIN_OPTIONS, MAX_OPTIONS = 2, len(LETTERS)
# 答案 of a true/false question: index 0 is 对, 1 is 错 (QuestionVersion.answer).
TRUE_ANSWERS = {"对", "√", "✓", "✔", "正确", "是", "T", "TRUE", "Y"}
FALSE_ANSWERS = {"错", "×", "✗", "✘", "X", "错误", "否", "F", "FALSE", "N"}
STEM_MAX, OPTION_MAX, EXPLANATION_MAX, SOURCE_MAX = 1000, 500, 1000, 200
# What may stand between the letters of a choice answer: "A,C,D", "A、C、D", "A C D".
ANSWER_SEPARATORS = re.compile(r"[\s,，、;；/]+")

# The columns, in the spreadsheet's order; keys as a row's values carry them.
COLUMN_LABELS = {
    "type": "题型",
    "stem": "题干",
    **{f"option_{letter}": f"选项{letter}" for letter in LETTERS},
    "answer": "答案",
    "explanation": "解析",
    "chapter": "章节",
    "difficulty": "难度",
    "source": "来源",
}


@dataclass(frozen=True)
class QuestionData:
    """What a question version stores: type, chapter code, stem, option texts, the indexes of
    the right options ([0] 对 / [1] 错 for true/false), explanation, difficulty 1–3, source."""

    question_type: str
    chapter: str
    stem: str
    options: tuple[str, ...]
    answer: tuple[int, ...]
    explanation: str
    difficulty: int
    source: str = ""


@dataclass(frozen=True)
class ColumnProblem:
    column: str  # the column's label (题干, 答案 …)
    reason: str


def text_of(value) -> str:
    """A cell's value as text: None blank, a number without a trailing .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def stem_key(stem: str) -> str:
    """What makes two stems the same question: the text without its spacing."""
    return re.sub(r"\s+", "", stem)


def answer_text(question_type: str, answer: tuple[int, ...] | list[int]) -> str:
    """The 答案 column of a stored answer: 对/错 or letters."""
    if question_type == TRUE_FALSE:
        return "对" if list(answer) == [0] else "错"
    return "".join(LETTERS[index] for index in sorted(answer))


def parse_question(
    values: Mapping[str, object], chapters: Mapping[str, str]
) -> QuestionData | list[ColumnProblem]:
    """The checked question, or every (column, reason) that is wrong.

    `values` holds COLUMN_LABELS' keys (text or cell values; 题型 as its Chinese name or the
    stored value). `chapters` maps a chapter's code and its name to its code."""
    problems: list[ColumnProblem] = []

    def refuse(key: str, reason: str) -> None:
        problems.append(ColumnProblem(COLUMN_LABELS[key], reason))

    type_text = text_of(values.get("type"))
    question_type = TYPE_BY_NAME.get(type_text) or (type_text if type_text in TYPE_NAMES else None)
    if question_type is None:
        refuse("type", "题型应为判断题、单选题或多选题。" if type_text else "请填写题型。")
    stem = text_of(values.get("stem"))
    if not stem:
        refuse("stem", "请填写题干。")
    elif len(stem) > STEM_MAX:
        refuse("stem", f"题干不能超过{STEM_MAX}个字符。")
    options = _options(values, refuse)
    answer = _answer(question_type, text_of(values.get("answer")), options, refuse)
    if question_type == TRUE_FALSE and options:
        refuse("option_A", "判断题不填选项。")
    elif (
        question_type in (SINGLE_CHOICE, MULTIPLE_CHOICE)
        and options is not None
        and len(options) < MIN_OPTIONS
    ):
        refuse("option_A", f"{TYPE_NAMES[question_type]}至少需要{MIN_OPTIONS}个选项。")
    chapter_text = text_of(values.get("chapter"))
    chapter = chapters.get(chapter_text)
    if not chapter_text:
        refuse("chapter", "请填写章节（章节代码或名称）。")
    elif chapter is None:
        refuse("chapter", f"章节“{chapter_text}”不在本题库中，请填写本题库的章节代码或名称。")
    difficulty_text = text_of(values.get("difficulty"))
    difficulty = DIFFICULTY_BY_NAME.get(difficulty_text)
    if difficulty is None:
        refuse(
            "difficulty",
            "难度应为易、中或难。" if difficulty_text else "请填写难度（易、中或难）。",
        )
    explanation = text_of(values.get("explanation"))
    if len(explanation) > EXPLANATION_MAX:
        refuse("explanation", f"解析不能超过{EXPLANATION_MAX}个字符。")
    source = text_of(values.get("source"))
    if len(source) > SOURCE_MAX:
        refuse("source", f"来源不能超过{SOURCE_MAX}个字符。")
    if problems:
        return problems
    assert question_type and chapter and difficulty and options is not None and answer
    return QuestionData(
        question_type=question_type,
        chapter=chapter,
        stem=stem,
        options=tuple(options),
        answer=answer,
        explanation=explanation,
        difficulty=difficulty,
        source=source,
    )


def _options(values: Mapping[str, object], refuse) -> list[str] | None:
    """The filled options A… in order; None (with a problem) when one is skipped or too long."""
    texts = [text_of(values.get(f"option_{letter}")) for letter in LETTERS]
    while texts and not texts[-1]:
        texts.pop()
    ok = True
    for letter, text in zip(LETTERS, texts, strict=False):
        if not text:
            refuse(f"option_{letter}", f"选项{letter}为空，而后面还有选项：选项须从A起连续填写。")
            ok = False
        elif len(text) > OPTION_MAX:
            refuse(f"option_{letter}", f"选项{letter}不能超过{OPTION_MAX}个字符。")
            ok = False
    filled = [text for text in texts if text]
    if len(set(filled)) != len(filled):
        refuse("option_A", "选项内容有重复。")
        ok = False
    return texts if ok else None


def _answer(question_type, text: str, options: list[str] | None, refuse) -> tuple[int, ...]:
    if not text:
        refuse("answer", "请填写答案。")
        return ()
    if question_type is None:
        return ()
    if question_type == TRUE_FALSE:
        upper = text.upper()
        if upper in TRUE_ANSWERS:
            return (0,)
        if upper in FALSE_ANSWERS:
            return (1,)
        refuse("answer", f"判断题的答案应为“对”或“错”（也可填√或×），不能是“{text}”。")
        return ()
    letters = ANSWER_SEPARATORS.sub("", text).upper()
    if not letters or any(letter not in LETTERS for letter in letters):
        refuse("answer", f"答案应为选项字母（A–F），如“A”或“ACD”，不能是“{text}”。")
        return ()
    if len(set(letters)) != len(letters):
        refuse("answer", f"答案“{text}”中有重复的字母。")
        return ()
    if options is not None:
        beyond = [letter for letter in letters if LETTERS.index(letter) >= len(options)]
        if beyond:
            refuse(
                "answer",
                f"答案中的{'、'.join(beyond)}没有对应的选项（本题只有{len(options)}个选项）。",
            )
            return ()
    if question_type == SINGLE_CHOICE and len(letters) != 1:
        refuse("answer", f"单选题只能有一个答案，现为“{letters}”。")
        return ()
    if question_type == MULTIPLE_CHOICE and len(letters) < 2:
        refuse("answer", f"多选题至少有两个正确答案，现为“{letters}”。")
        return ()
    return tuple(sorted(LETTERS.index(letter) for letter in letters))
