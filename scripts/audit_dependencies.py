"""Known vulnerabilities in what is installed: pip-audit, with a fallback feed for machines like this project's.

    .venv/bin/python scripts/audit_dependencies.py [--json]

First pip-audit as it is (PyPI's per-release feed). Where no dependency could be audited that way (this
project's machines reach the registry's /pypi/<name>/json but not the per-release /pypi/<name>/<version>/json
that pip-audit asks, nor osv.dev), it runs pip-audit's own auditor again with the project-level answer. That
answer lists the vulnerabilities of the newest release only, so a dependency is audited there only when the
installed version is the newest; any other is reported as not audited, with the reason, never as clean.
Exit status: 1 if a vulnerability is found, 2 if the registry could not be reached, 0 otherwise.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import sys

import requests
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from pip_audit._audit import Auditor
from pip_audit._dependency_source import PipSource
from pip_audit._service import PyPIService
from pip_audit._service.interface import ServiceError, SkippedDependency


class _Answered:
    """A session that gives pip-audit's PyPI feed the answer already fetched: the version checked and the
    vulnerabilities read are then from one response, even if a release is published in between."""

    def __init__(self, response):
        self._response = response

    def get(self, url, **kwargs):
        return self._response


def held_back_by(name: str, newest: Version) -> str | None:
    """Which installed distribution's requirement keeps `name` below its newest release, if any."""
    for dist in importlib.metadata.distributions():
        for line in dist.requires or []:
            requirement = Requirement(line)
            if (canonicalize_name(requirement.name) == canonicalize_name(name)
                    and (requirement.marker is None or requirement.marker.evaluate({"extra": ""}))
                    and not requirement.specifier.contains(newest, prereleases=True)):
                return f"{dist.metadata['Name']} ({requirement})"
    return None


class NewestReleaseFeed(PyPIService):
    """pip-audit's PyPI feed, for the dependencies installed at their newest release only."""

    def query(self, spec):
        if spec.is_skipped():
            return spec, []
        response = self.session.get(f"https://pypi.org/pypi/{spec.canonical_name}/json", timeout=self.timeout)
        if response.status_code == 404:
            return SkippedDependency(name=spec.name, skip_reason="not on PyPI"), []
        response.raise_for_status()
        newest = Version(response.json()["info"]["version"])
        if newest != spec.version:
            holder = held_back_by(spec.name, newest)
            why = f"held back by {holder}" if holder else "upgrade it to audit it"
            return SkippedDependency(
                name=spec.name, skip_reason=f"{spec.version} is not the newest release ({newest}): {why}; the "
                "per-release feed that could audit it is not reachable from here"), []
        answered = PyPIService(timeout=self.timeout)
        answered.session = _Answered(response)
        return answered.query(spec)


def audit(service) -> dict:
    """pip-audit's report shape: each dependency with its vulnerabilities, or with why it was not audited."""
    dependencies = []
    for dependency, vulns in Auditor(service).audit(PipSource(skip_editable=True)):
        if dependency.is_skipped():
            dependencies.append({"name": dependency.name, "skip_reason": dependency.skip_reason})
        else:
            dependencies.append({"name": dependency.name, "version": str(dependency.version),
                                 "vulns": [{"id": v.id, "aliases": sorted(v.aliases),
                                            "fix_versions": [str(f) for f in v.fix_versions]} for v in vulns]})
    return {"dependencies": dependencies}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()

    try:
        report, feed = audit(PyPIService(timeout=30)), "PyPI, per release"
        if not any("skip_reason" not in d for d in report["dependencies"]):
            report, feed = audit(NewestReleaseFeed(timeout=30)), "PyPI, newest release only"
    except (ServiceError, requests.RequestException) as error:  # pip-audit's ConnectionError is a ServiceError
        print(f"The dependency audit could not reach the package registry: {error}", file=sys.stderr)
        return 2
    report["feed"] = feed

    vulnerable = [d for d in report["dependencies"] if d.get("vulns")]
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        audited = [d for d in report["dependencies"] if "skip_reason" not in d]
        print(f"Feed: {feed}. {len(audited)} of {len(report['dependencies'])} dependencies audited.")
        for d in report["dependencies"]:
            if "skip_reason" in d:
                print(f"  not audited: {d['name']}: {d['skip_reason']}")
        for d in vulnerable:
            print(f"  VULNERABLE: {d['name']} {d['version']}: "
                  + ", ".join(f"{v['id']} (fixed in {', '.join(v['fix_versions']) or 'no release yet'})"
                              for v in d["vulns"]))
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
