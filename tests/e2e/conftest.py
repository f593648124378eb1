from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

# Each browser test starts from an empty database (transactional tests flush it), and
# the loaders take seconds. The first test of a kind runs the real loaders and dumps
# what they made; the next ones load that dump, which is the same rows, much faster.
_DUMPS: dict[str, Path] = {}


def _load_once(kind: str, tmp_path_factory, load) -> None:
    if kind in _DUMPS:
        call_command("loaddata", str(_DUMPS[kind]), verbosity=0)
        return
    load()
    dump = tmp_path_factory.mktemp("e2e-data") / f"{kind}.json"
    # What the loaders write; content types and permissions are re-created by every
    # flush (post_migrate), so the dump refers to them by natural key.
    call_command(
        "dumpdata",
        "points",
        "bookings",
        "spa",
        "auth.group",
        "auth.user",
        natural_foreign=True,
        natural_primary=True,
        output=str(dump),
        verbosity=0,
    )
    _DUMPS[kind] = dump


@pytest.fixture
def starter_library(transactional_db, tmp_path_factory):
    _load_once(
        "library", tmp_path_factory, lambda: call_command("load_starter_library", verbosity=0)
    )


@pytest.fixture
def demo_spa(transactional_db, tmp_path_factory, settings):
    def load() -> None:
        call_command("load_starter_library", verbosity=0)
        call_command("load_starter_questionnaire", verbosity=0)
        settings.DEBUG = True  # the demo loader refuses to run otherwise
        call_command("load_demo_spa", verbosity=0)
        settings.DEBUG = False

    _load_once("demo", tmp_path_factory, load)


def serious_violations(page) -> list[str]:
    """Axe's serious and critical findings on the current page, one line each."""
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
        f"{'; '.join(n['target'][0] if n.get('target') else '?' for n in v['nodes'][:3])})"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
