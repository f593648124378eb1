"""Indexes that keep the schedule's reads flat as years of appointments pile up.

Measured with EXPLAIN on SQLite and PostgreSQL (issue 15): the old index led by
(therapist, block_start) bounded `block_start < range end` from above only, so one
therapist's free times walked every past appointment of theirs.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0020_link_clients_mark_pre_visit_questions"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="appointment",
            name="appt_therapist_block_start",
        ),
        # availability._free_by_therapist and AppointmentQuerySet.overlapping:
        # WHERE therapist_id IN (…) AND block_end > <from now on> AND block_start < …
        # reads only the blocks that end after the range starts (the weeks ahead).
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(fields=["therapist", "block_end"], name="appt_therapist_block_end"),
        ),
        # The staff appointment list (admin): ORDER BY start LIMIT 100, and its date
        # filter `start >= … AND start < …`, without sorting or scanning every row.
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(fields=["start"], name="appt_start"),
        ),
    ]
