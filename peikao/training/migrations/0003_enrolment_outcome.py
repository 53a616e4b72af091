from django.db import migrations, models


def decide_closed_classes(apps, schema_editor):
    """Trainees of classes closed before outcomes existed: decided by their hours alone (the
    document checklist is not at hand in a migration)."""
    Enrolment = apps.get_model("training", "Enrolment")
    undecided = Enrolment.objects.filter(
        status="enrolled", training_class__status__in=["finished", "archived"]
    ).select_related("training_class")
    for enrolment in undecided:
        required = enrolment.training_class.required_hours
        if enrolment.hours >= required:
            enrolment.status = "completed"
        else:
            enrolment.status = "not_completed"
            enrolment.shortfall = (
                f"学时不足：已获{enrolment.hours.normalize():f}学时，"
                f"大纲规定{required.normalize():f}学时"
            )
        enrolment.save(update_fields=["status", "shortfall"])


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0002_enrolment_workplace"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="shortfall",
            field=models.CharField(blank=True, max_length=500, verbose_name="未结业原因"),
        ),
        migrations.AddField(
            model_name="historicalenrolment",
            name="shortfall",
            field=models.CharField(blank=True, max_length=500, verbose_name="未结业原因"),
        ),
        migrations.AlterField(
            model_name="enrolment",
            name="status",
            field=models.CharField(
                choices=[
                    ("enrolled", "在训"),
                    ("completed", "已结业"),
                    ("not_completed", "未结业"),
                    ("withdrawn", "已退出"),
                ],
                default="enrolled",
                max_length=20,
                verbose_name="状态",
            ),
        ),
        migrations.AlterField(
            model_name="historicalenrolment",
            name="status",
            field=models.CharField(
                choices=[
                    ("enrolled", "在训"),
                    ("completed", "已结业"),
                    ("not_completed", "未结业"),
                    ("withdrawn", "已退出"),
                ],
                default="enrolled",
                max_length=20,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(decide_closed_classes, migrations.RunPython.noop),
    ]
