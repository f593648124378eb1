import pytest
from axe_playwright_python.sync_playwright import Axe
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


def serious_violations(page) -> list[str]:
    """Axe's serious and critical findings on the current page, one line each."""
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
        f"{'; '.join(n['target'][0] if n.get('target') else '?' for n in v['nodes'][:3])})"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
