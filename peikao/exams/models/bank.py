from django.db import models

from peikao.exams.models.sessions import ExamType


class QuestionType(models.TextChoices):
    TRUE_FALSE = "true_false", "判断题"
    SINGLE_CHOICE = "single_choice", "单选题"
    MULTIPLE_CHOICE = "multiple_choice", "多选题"


def reads_the_bank(actor) -> bool:
    """Banks are provincial and papers secret: the exam center and every regulator read them;
    exam points, institutions, enterprises and trainees do not even learn that one exists."""
    return actor.is_exam_center or actor.is_regulator


class BankRowQuerySet(models.QuerySet):
    def visible_to(self, actor):
        return self if reads_the_bank(actor) else self.none()


class QuestionBank(models.Model):
    """题库: the questions of one operation item (special operators) or of one post category of
    an industry (principals, safety managers)."""

    key = models.CharField("题库代码", max_length=60, unique=True)
    title = models.CharField("题库名称", max_length=100)
    post_category = models.ForeignKey(
        "catalog.PostCategory", verbose_name="人员类别", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "catalog.OperationItem",
        verbose_name="操作项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    industry = models.ForeignKey(
        "catalog.Industry",
        verbose_name="行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    demo = models.BooleanField("演示数据", default=False)
    notice = models.CharField("说明", max_length=200, blank=True)

    objects = BankRowQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "题库"
        ordering = ["key"]

    def __str__(self) -> str:
        return self.title


class Chapter(models.Model):
    """章节 (knowledge area) of a bank."""

    bank = models.ForeignKey(
        QuestionBank, verbose_name="题库", on_delete=models.CASCADE, related_name="chapters"
    )
    code = models.CharField("章节代码", max_length=20)
    name = models.CharField("章节", max_length=100)

    objects = BankRowQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "章节"
        ordering = ["bank_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "code"], name="chapter_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """A question of a bank; what it says lives in its versions, so that a paper keeps the
    version it was drawn with whatever is edited later."""

    bank = models.ForeignKey(
        QuestionBank, verbose_name="题库", on_delete=models.PROTECT, related_name="questions"
    )
    retired = models.BooleanField("已停用", default=False)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = BankRowQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "试题"
        ordering = ["bank_id", "id"]

    def __str__(self) -> str:
        return f"{self.bank.key}#{self.pk}"


class QuestionVersion(models.Model):
    """One version of a question: never changed once a paper has used it."""

    class Difficulty(models.IntegerChoices):
        EASY = 1, "易"
        MEDIUM = 2, "中"
        HARD = 3, "难"

    question = models.ForeignKey(
        Question, verbose_name="试题", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField("版本")
    question_type = models.CharField("题型", max_length=20, choices=QuestionType.choices)
    chapter = models.ForeignKey(
        Chapter, verbose_name="章节", on_delete=models.PROTECT, related_name="question_versions"
    )
    stem = models.CharField("题干", max_length=1000)
    # The options' texts in their stored order (A, B, …); empty for true/false.
    options = models.JSONField("选项", default=list, blank=True)
    # The indexes of the right options; for true/false [0] is 对 and [1] is 错.
    answer = models.JSONField("答案")
    explanation = models.CharField("解析", max_length=1000, blank=True)
    difficulty = models.PositiveSmallIntegerField("难度", choices=Difficulty.choices)
    source = models.CharField("来源", max_length=200, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = BankRowQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "试题版本"
        ordering = ["question_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="question_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.question}v{self.number}"


class Blueprint(models.Model):
    """组卷方案: how many questions of each type and chapter a paper of this bank and exam type
    draws, their points, the duration and the pass mark. A version used by a paper never
    changes; an edit makes the next version."""

    bank = models.ForeignKey(
        QuestionBank, verbose_name="题库", on_delete=models.PROTECT, related_name="blueprints"
    )
    exam_type = models.CharField("考核类型", max_length=10, choices=ExamType.choices)
    name = models.CharField("方案名称", max_length=100)
    version = models.PositiveSmallIntegerField("版本", default=1)
    duration_minutes = models.PositiveSmallIntegerField("考试时长（分钟）", default=120)
    pass_mark = models.DecimalField("合格分数", max_digits=5, decimal_places=1, default=80)
    active = models.BooleanField("在用", default=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="制定人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("制定时间", auto_now_add=True)

    objects = BankRowQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "组卷方案"
        ordering = ["bank_id", "exam_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "exam_type", "version"], name="blueprint_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class BlueprintPart(models.Model):
    """A line of a blueprint: `count` questions of a type (from one chapter, or any), each
    worth `points`."""

    blueprint = models.ForeignKey(
        Blueprint, verbose_name="组卷方案", on_delete=models.CASCADE, related_name="parts"
    )
    question_type = models.CharField("题型", max_length=20, choices=QuestionType.choices)
    chapter = models.ForeignKey(
        Chapter,
        verbose_name="章节",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="不填表示不限章节",
    )
    count = models.PositiveSmallIntegerField("题数")
    points = models.DecimalField("每题分值", max_digits=4, decimal_places=1)

    objects = BankRowQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "组卷方案明细"
        ordering = ["blueprint_id", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(count__gt=0), name="blueprint_part_count"),
            models.CheckConstraint(condition=models.Q(points__gt=0), name="blueprint_part_points"),
        ]

    def __str__(self) -> str:
        return f"{self.get_question_type_display()} {self.count}×{self.points}"


class Paper(models.Model):
    """A candidate's paper, drawn when the session is seated: a function of the blueprint
    version, the seed and the question versions pinned for the session."""

    application = models.OneToOneField(
        "exams.ExamApplication",
        verbose_name="考试报名",
        on_delete=models.PROTECT,
        related_name="paper",
    )
    blueprint = models.ForeignKey(
        Blueprint, verbose_name="组卷方案", on_delete=models.PROTECT, related_name="papers"
    )
    seed = models.CharField("随机种子", max_length=64)
    drawn_at = models.DateTimeField("组卷时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "试卷"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"试卷 {self.application}"


class PaperQuestion(models.Model):
    """A question of a paper, at its position, with its options in the order shown."""

    paper = models.ForeignKey(
        Paper, verbose_name="试卷", on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField("题号")
    question_version = models.ForeignKey(
        QuestionVersion, verbose_name="试题版本", on_delete=models.PROTECT, related_name="+"
    )
    # option_order[i] is the stored option shown at position i.
    option_order = models.JSONField("选项顺序", default=list, blank=True)
    points = models.DecimalField("分值", max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = verbose_name_plural = "试卷试题"
        ordering = ["paper_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="paper_question_position"),
            models.UniqueConstraint(
                fields=["paper", "question_version"], name="paper_question_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paper} 第{self.position}题"


class PaperPool(models.Model):
    """The question versions pinned for a session and one of its blueprints when its papers
    are first drawn (the latest non-retired version of each question of the blueprint's bank,
    ids sorted): with the blueprint and each paper's seed, what regenerates every paper of
    that blueprint. A session of several items has one pool per item's blueprint. Versions
    are never changed once written, so the pool means the same thing for ever."""

    session = models.ForeignKey(
        "exams.ExamSession",
        verbose_name="考试",
        on_delete=models.PROTECT,
        related_name="paper_pools",
    )
    blueprint = models.ForeignKey(
        Blueprint, verbose_name="组卷方案", on_delete=models.PROTECT, related_name="pools"
    )
    version_ids = models.JSONField("题池试题版本")
    created_at = models.DateTimeField("固定时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "试卷题池"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "blueprint"], name="paper_pool_per_session_blueprint"
            ),
        ]

    def __str__(self) -> str:
        return f"题池 {self.session}"

    @property
    def audit_organization(self):
        return self.session.exam_point
