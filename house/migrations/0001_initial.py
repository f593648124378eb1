# The Throttle model moves here from the spa app with its table (spa_throttle) and
# its rows: the database is left as it is, only Django's record of the models
# changes. spa/migrations/0002_throttle_moves_to_house.py drops it from spa.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # The table exists from here on.
        ("spa", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Throttle",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.CharField(max_length=64, unique=True)),
                        ("count", models.PositiveIntegerField(default=0)),
                        ("expires_at", models.DateTimeField(db_index=True)),
                    ],
                    options={
                        "db_table": "spa_throttle",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
