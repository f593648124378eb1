import pytest
from django.core.management import call_command


@pytest.fixture
def starter_library(transactional_db):
    call_command("load_starter_library", verbosity=0)
