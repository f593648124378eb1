"""The Throttle model moved from the spa app to house on its own table: migrating
forward keeps every row (and its counting), the content type and its permissions."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from house import throttle

CONTENT_TYPES = ("contenttypes", "0002_remove_content_type_name")
BEFORE = [("spa", "0001_initial"), ("house", None)]
AFTER = [("spa", "0002_throttle_moves_to_house"), ("house", "0001_initial")]


def migrate(targets):
    """Migrate spa and house to `targets`; the models as they stand there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    nodes = [target for target in targets if target[1] is not None] + [CONTENT_TYPES]
    return executor.loader.project_state(nodes).apps


@pytest.mark.django_db(transaction=True)
def test_migrating_forward_keeps_the_rows_and_the_permissions():
    old_apps = migrate(BEFORE)
    try:
        old_type = old_apps.get_model("contenttypes", "ContentType")
        assert old_apps.get_model("spa", "Throttle")._meta.db_table == "spa_throttle"
        spa_type = old_type.objects.get(app_label="spa", model="throttle")
        expires = timezone.now() + timedelta(hours=1)
        old_apps.get_model("spa", "Throttle").objects.bulk_create(
            [
                old_apps.get_model("spa", "Throttle")(
                    key=throttle._key("booking-ip", "10.0.0.9"), count=2, expires_at=expires
                ),
                old_apps.get_model("spa", "Throttle")(key="b" * 64, count=1, expires_at=expires),
            ]
        )
        rows = sorted(old_apps.get_model("spa", "Throttle").objects.values_list())
    finally:
        new_apps = migrate(AFTER)

    assert sorted(new_apps.get_model("house", "Throttle").objects.values_list()) == rows
    # The stored counters still count: the key's salt did not move with the code.
    assert not throttle.within("booking-ip", "10.0.0.9", limit=2)
    assert throttle.within("booking-ip", "10.0.0.9", limit=3)
    # The content type moved with the model, so permissions granted on it stay granted.
    house_type = new_apps.get_model("contenttypes", "ContentType").objects.get(model="throttle")
    assert (house_type.pk, house_type.app_label) == (spa_type.pk, "house")
