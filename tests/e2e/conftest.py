import pytest
from django.core.management import call_command


@pytest.fixture
def starter_library(transactional_db):
    call_command("load_starter_library", verbosity=0)


@pytest.fixture
def demo_spa(starter_library, settings):
    call_command("load_starter_questionnaire", verbosity=0)
    settings.DEBUG = True  # the demo loader refuses to run otherwise
    call_command("load_demo_spa", verbosity=0)
    settings.DEBUG = False
