from axe_playwright_python.sync_playwright import Axe

# starter_library and demo_spa come from tests/conftest.py: each browser test starts
# from an empty database (transactional tests flush it) and loads the dump of what the
# loaders make, made once per test process.


def serious_violations(page) -> list[str]:
    """Axe's serious and critical findings on the current page, one line each."""
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: "
        f"{'; '.join(n['target'][0] if n.get('target') else '?' for n in v['nodes'][:3])})"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
