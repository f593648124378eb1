# The Throttle model now lives in the house app (house/migrations/0001_initial.py),
# on the same table: drop it from spa's record of its models only, and hand its
# content type (with the permissions that point at it) to house.

from django.db import migrations


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="throttle").exists():
        ContentType.objects.filter(app_label=old, model="throttle").update(app_label=new)


def to_house(apps, schema_editor) -> None:
    _relabel(apps, "spa", "house")


def to_spa(apps, schema_editor) -> None:
    _relabel(apps, "house", "spa")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("house", "0001_initial"),
        ("spa", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Throttle")],
            database_operations=[],
        ),
        migrations.RunPython(to_house, to_spa),
    ]
