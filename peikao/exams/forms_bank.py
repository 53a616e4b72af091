"""The forms of the question bank's pages: a question, retiring one, a blueprint."""

from decimal import Decimal

from django import forms

from peikao.core.forms import NamedErrorsForm
from peikao.exams.rules import bank as rules

TYPE_CHOICES = [(name, name) for name in rules.TYPE_BY_NAME]
DIFFICULTY_CHOICES = [(name, name) for name in rules.DIFFICULTY_BY_NAME]
EXAM_TYPE_CHOICES = [("initial", "初次考核"), ("refresher", "再培训考核"), ("review", "复审考核")]
# The blueprint page: one count per (type, chapter) and per type for any chapter.
ANY_CHAPTER = "_any"


class QuestionForm(NamedErrorsForm):
    question_type = forms.ChoiceField(label="题型", choices=TYPE_CHOICES)
    stem = forms.CharField(label="题干", max_length=rules.STEM_MAX, widget=forms.Textarea)
    option_A = forms.CharField(label="选项A", max_length=rules.OPTION_MAX, required=False)
    option_B = forms.CharField(label="选项B", max_length=rules.OPTION_MAX, required=False)
    option_C = forms.CharField(label="选项C", max_length=rules.OPTION_MAX, required=False)
    option_D = forms.CharField(label="选项D", max_length=rules.OPTION_MAX, required=False)
    option_E = forms.CharField(label="选项E", max_length=rules.OPTION_MAX, required=False)
    option_F = forms.CharField(label="选项F", max_length=rules.OPTION_MAX, required=False)
    answer = forms.CharField(label="答案", max_length=20)
    chapter = forms.ChoiceField(label="章节")
    difficulty = forms.ChoiceField(label="难度", choices=DIFFICULTY_CHOICES)
    explanation = forms.CharField(
        label="解析", max_length=rules.EXPLANATION_MAX, required=False, widget=forms.Textarea
    )
    source = forms.CharField(label="来源", max_length=rules.SOURCE_MAX, required=False)

    def __init__(self, *args, chapters=(), **kwargs):
        super().__init__(*args, **kwargs)
        chapter_field = self.fields["chapter"]
        assert isinstance(chapter_field, forms.ChoiceField)
        chapter_field.choices = [
            (chapter.code, f"{chapter.code} {chapter.name}") for chapter in chapters
        ]

    def service_fields(self) -> dict:
        """What services.bank.question_create and question_edit take."""
        data = self.cleaned_data
        options = [data[f"option_{letter}"] for letter in rules.LETTERS]
        while options and not options[-1]:
            options.pop()
        return {
            "question_type": data["question_type"],
            "stem": data["stem"],
            "options": options,
            "answer": data["answer"],
            "chapter": data["chapter"],
            "difficulty": data["difficulty"],
            "explanation": data["explanation"],
            "source": data["source"],
        }


def question_initial(version) -> dict:
    """A version as the form shows it, to edit."""
    initial = {
        "question_type": rules.TYPE_NAMES[version.question_type],
        "stem": version.stem,
        "answer": rules.answer_text(version.question_type, version.answer),
        "chapter": version.chapter.code,
        "difficulty": rules.DIFFICULTY_NAMES[version.difficulty],
        "explanation": version.explanation,
        "source": version.source,
    }
    for letter, text in zip(rules.LETTERS, version.options, strict=False):
        initial[f"option_{letter}"] = text
    return initial


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)
        if isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("rows", 3)


def _name_errors(field: forms.Field) -> None:
    """The messages NamedErrorsForm gives its declared fields, for the fields added here, and
    those of a decimal's places (Field.run_validators takes them by the validator's code)."""
    label = str(field.label or "")
    field.error_messages["invalid"] = f"请填写正确的{label}。"
    field.error_messages["min_value"] = f"{label}不能小于%(limit_value)s。"
    field.error_messages["max_value"] = f"{label}不能大于%(limit_value)s。"
    field.error_messages["max_decimal_places"] = f"{label}最多%(max)s位小数。"
    field.error_messages["max_digits"] = f"{label}的数字过长。"
    field.error_messages["max_whole_digits"] = f"{label}的数字过长。"


class RetireForm(NamedErrorsForm):
    reason = forms.CharField(label="停用原因", max_length=200)


class BlueprintForm(NamedErrorsForm):
    """A blueprint as a grid: how many questions of each type from each chapter (or any), and
    the points of each type."""

    exam_type = forms.ChoiceField(label="考核类型", choices=EXAM_TYPE_CHOICES)
    name = forms.CharField(label="方案名称", max_length=100)
    duration_minutes = forms.IntegerField(label="考试时长（分钟）", min_value=1, max_value=600)
    pass_mark = forms.DecimalField(
        label="合格分数", min_value=Decimal("0.1"), max_value=100, decimal_places=1
    )

    def __init__(self, *args, chapters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.chapters = list(chapters)
        self.grid: list[dict] = []
        for question_type, type_name in rules.TYPE_NAMES.items():
            points = forms.DecimalField(
                label=f"{type_name}每题分值",
                min_value=Decimal("0.1"),
                max_value=100,
                decimal_places=1,
                required=False,
            )
            self.fields[f"points__{question_type}"] = points
            cells = []
            for code, label in [
                *((chapter.code, chapter.name) for chapter in self.chapters),
                (ANY_CHAPTER, "不限章节"),
            ]:
                name = f"count__{question_type}__{code}"
                self.fields[name] = forms.IntegerField(
                    label=f"{label}的{type_name}题数", min_value=0, max_value=500, required=False
                )
                cells.append((name, code))
            self.grid.append(
                {
                    "type": question_type,
                    "name": type_name,
                    "points": f"points__{question_type}",
                    "cells": cells,
                }
            )
        for field in self.fields.values():
            _name_errors(field)
        _bootstrap(self)

    def rows(self):
        """The grid for the template: per type its points field and a count field per chapter."""
        return [
            {
                "name": row["name"],
                "points": self[row["points"]],
                "cells": [self[name] for name, _code in row["cells"]],
            }
            for row in self.grid
        ]

    def parts(self) -> list[dict]:
        data = self.cleaned_data
        parts = []
        for row in self.grid:
            for name, code in row["cells"]:
                count = data.get(name) or 0
                if count:
                    parts.append(
                        {
                            "question_type": row["type"],
                            "chapter": "" if code == ANY_CHAPTER else code,
                            "count": count,
                            "points": data.get(row["points"]) or Decimal(0),
                        }
                    )
        return parts

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "exam_type": data["exam_type"],
            "name": data["name"],
            "duration_minutes": data["duration_minutes"],
            "pass_mark": data["pass_mark"],
            "parts": self.parts(),
        }


def blueprint_initial(blueprint) -> dict:
    """A blueprint as the grid shows it: its counts and the points of each type."""
    initial: dict = {
        "exam_type": blueprint.exam_type,
        "name": blueprint.name,
        "duration_minutes": blueprint.duration_minutes,
        "pass_mark": blueprint.pass_mark,
    }
    for row in blueprint.rows:
        part = row["part"]
        code = part.chapter or ANY_CHAPTER
        key = f"count__{part.question_type}__{code}"
        initial[key] = initial.get(key, 0) + part.count
        initial[f"points__{part.question_type}"] = part.points
    return initial
