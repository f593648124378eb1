"""On PostgreSQL, the database itself refuses overlapping appointments.

An exclusion constraint over (therapist, [block_start, block_end)) for every
status that holds a slot. Half-open ranges keep back-to-back bookings legal.
SQLite has no such constraint: there the booking service's IMMEDIATE
transaction and re-check do the job (bookings/services.py).
"""

from django.db import migrations

HOLDING = "('requested', 'awaiting-clearance', 'confirmed')"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_appointment
  ADD CONSTRAINT appointment_no_overlap
  EXCLUDE USING gist (
    therapist_id WITH =,
    tstzrange(block_start, block_end, '[)') WITH &&
  ) WHERE (status IN {HOLDING});
"""

DROP = "ALTER TABLE bookings_appointment DROP CONSTRAINT IF EXISTS appointment_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
