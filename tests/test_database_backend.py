"""Guards the PostgreSQL CI leg: it must not silently run on SQLite."""

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_backend_matches_database_url():
    connection.ensure_connection()
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert connection.vendor == "postgresql"
    else:
        assert connection.vendor == "sqlite"
        assert connection.settings_dict.get("OPTIONS", {}).get("transaction_mode") == "IMMEDIATE"
