from django.db import migrations, models


def forget_the_default(apps, schema_editor):
    """A stored "worker" cannot be told from the old default, which the forms applied to every
    woman left blank (and to every man); unknown is the truthful value, and the eligibility rules
    ask for it only when it decides the answer."""
    Person = apps.get_model("people", "Person")
    Person.objects.filter(female_post="worker").update(female_post="")


FIELD = models.CharField(
    blank=True,
    choices=[("worker", "工人岗位"), ("cadre", "管理和技术岗位")],
    default="",
    help_text="决定法定退休年龄；未填写时，在影响报考条件判断时要求补填",
    max_length=10,
    verbose_name="女职工岗位类型",
)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_historicalviolation_closing_enrolment_and_more"),
    ]

    operations = [
        migrations.AlterField(model_name="historicalperson", name="female_post", field=FIELD),
        migrations.AlterField(model_name="person", name="female_post", field=FIELD),
        migrations.RunPython(forget_the_default, migrations.RunPython.noop),
    ]
