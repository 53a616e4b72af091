"""The exam tables, one module per part: sessions and applications, the question bank and
papers, attempts of the computer exam, the practical exam, results."""

from peikao.exams.models.attempts import Answer, AnswerEvent, Attempt, TimeExtension
from peikao.exams.models.bank import (
    Blueprint,
    BlueprintPart,
    Chapter,
    Paper,
    PaperPool,
    PaperQuestion,
    Question,
    QuestionBank,
    QuestionType,
    QuestionVersion,
)
from peikao.exams.models.practical import (
    PracticalAssessment,
    PracticalBlueprint,
    PracticalCorrection,
    PracticalSubject,
    PracticalSubjectScore,
    PracticalTask,
)
from peikao.exams.models.results import ExamResult
from peikao.exams.models.sessions import (
    DEMO_NOTE_PREFIX,
    ApplicantNotice,
    ExamApplication,
    ExamSession,
    ExamType,
    FraudCase,
    SessionPlan,
    SessionRoom,
)

__all__ = [
    "DEMO_NOTE_PREFIX",
    "Answer",
    "AnswerEvent",
    "ApplicantNotice",
    "Attempt",
    "Blueprint",
    "BlueprintPart",
    "Chapter",
    "ExamApplication",
    "ExamResult",
    "ExamSession",
    "ExamType",
    "FraudCase",
    "Paper",
    "PaperPool",
    "PaperQuestion",
    "PracticalAssessment",
    "PracticalBlueprint",
    "PracticalCorrection",
    "PracticalSubject",
    "PracticalSubjectScore",
    "PracticalTask",
    "Question",
    "QuestionBank",
    "QuestionType",
    "QuestionVersion",
    "SessionPlan",
    "SessionRoom",
    "TimeExtension",
]
