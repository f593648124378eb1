"""Known vulnerabilities in every installed package; run with the venv's Python.

pip-audit asks PyPI's per-version JSON API (or OSV) about each package. Where
that API is out of reach (this machine's network serves only the index's
project pages), a package pip-audit had to skip is checked against its
project page instead: PyPI's ``/pypi/<name>/json`` lists the known
vulnerabilities of the project's latest release, so it audits an installed
package that is that release. Anything neither source covers is named as NOT
AUDITED, never counted as clean.

Exit status: 1 when any installed package has a known vulnerability (or
pip-audit itself fails), 0 otherwise.
"""

import json
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from packaging.utils import canonicalize_name  # pip-audit's own dependency

PROJECT_JSON = "https://pypi.org/pypi/{name}/json"


def installed() -> dict[str, str]:
    return {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}


def run_pip_audit() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        proc = subprocess.run(  # noqa: S603 (fixed argv: the venv's pip-audit)
            [
                str(Path(sys.executable).with_name("pip-audit")),
                "--progress-spinner",
                "off",
                "--skip-editable",
                "--desc",
                "off",
                "--format",
                "json",
                "--output",
                str(out),
            ],
            capture_output=True,
            text=True,
        )
        # Exit 1 with a report means "vulnerabilities found"; without a
        # report it means pip-audit itself failed.
        if not out.exists():
            sys.stderr.write(proc.stdout + proc.stderr)
            sys.exit(f"pip-audit failed (exit {proc.returncode}).")
        return json.loads(out.read_text())


def latest_release(name: str) -> tuple[str | None, list[dict]]:
    """The project's latest version on PyPI and the vulnerabilities it has."""
    try:
        url = PROJECT_JSON.format(name=name)  # always https://pypi.org
        with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310
            data = json.load(resp)
    except (urllib.error.URLError, TimeoutError, ValueError):
        return None, []
    vulns = [v for v in data.get("vulnerabilities") or [] if not v.get("withdrawn")]
    return data["info"]["version"], vulns


def main() -> int:
    versions = installed()
    report = run_pip_audit()
    found: list[tuple[str, str, str, str]] = []  # name, version, id, source
    audited = {"pip-audit": 0, "project page": 0}
    skipped = []
    for dep in report["dependencies"]:
        name = canonicalize_name(dep["name"])
        if "skip_reason" in dep:
            # The project itself (installed editable) is not on PyPI.
            if "editable" not in dep["skip_reason"]:
                skipped.append(name)
            continue
        audited["pip-audit"] += 1
        for vuln in dep.get("vulns", []):
            found.append((name, dep["version"], vuln["id"], "pip-audit"))

    not_audited = []
    with ThreadPoolExecutor(max_workers=8) as pool:
        for name, (latest, vulns) in zip(skipped, pool.map(latest_release, skipped), strict=True):
            version = versions[name]
            if latest is None:
                not_audited.append(f"{name} {version} (not on PyPI or unreachable)")
            elif latest != version:
                not_audited.append(f"{name} {version} (latest is {latest})")
            else:
                audited["project page"] += 1
                for vuln in vulns:
                    found.append((name, version, vuln["id"], "PyPI project page"))

    print(
        f"Audited {sum(audited.values())} installed packages: "
        f"{audited['pip-audit']} by pip-audit, "
        f"{audited['project page']} by their PyPI project page (latest release)."
    )
    for name, version, vuln_id, source in found:
        print(f"VULNERABLE: {name} {version}: {vuln_id} (from {source})")
    if not_audited:
        print(f"WARNING: NOT AUDITED ({len(not_audited)}): " + "; ".join(not_audited))
    if found:
        print("Known vulnerabilities found: raise the pins in pyproject.toml.", file=sys.stderr)
        return 1
    print("No known vulnerabilities in the audited packages.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
