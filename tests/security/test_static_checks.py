"""bandit (static security check) over the app, and pip-audit (known vulnerabilities) over what is installed.
bandit's two skipped checks and every `# nosec` are explained where they are (pyproject.toml, the code)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_bandit_finds_nothing_unexplained():
    done = subprocess.run([str(BIN / "bandit"), "-q", "-c", "pyproject.toml", "-r", "app", "-f", "json"], cwd=ROOT,
                          capture_output=True, text=True)
    report = json.loads(done.stdout)
    findings = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"]]
    assert findings == []
    assert report["metrics"]["_totals"]["loc"] > 5000  # it really read the app


def _audit_report() -> dict:
    done = subprocess.run([sys.executable, "scripts/audit_dependencies.py", "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        why = f"the dependency audit could not run (is the package registry reachable?): {done.stderr.strip()[-500:]}"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)


@pytest.mark.audit
def test_pip_audit_finds_no_known_vulnerability():
    report = _audit_report()
    audited = [d for d in report["dependencies"] if "skip_reason" not in d]
    vulnerable = [f"{d['name']} {d['version']}: {[v['id'] for v in d['vulns']]}" for d in audited if d["vulns"]]
    assert vulnerable == []
    # Where only the newest-release feed answers, a dependency behind its newest release cannot be audited: that is
    # explained only when another installed package's requirement holds it back (or it is this project itself).
    unexplained = [f"{d['name']}: {d['skip_reason']}" for d in report["dependencies"]
                   if "skip_reason" in d and "held back by" not in d["skip_reason"]
                   and d["name"] != "send-fieldwork"]
    if unexplained and os.environ.get("CI") != "true":
        pytest.skip(f"not audited, behind their newest release in this environment: {unexplained}")
    assert unexplained == []
    assert len(audited) > 50  # it really audited what is installed


@pytest.mark.audit
def test_the_fallback_feed_finds_a_known_vulnerability_and_never_calls_an_older_release_clean():
    """The feed the audit falls back to, asked about a release with published advisories, and about an old one."""
    from packaging.version import Version
    from pip_audit._service.interface import ResolvedDependency

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from audit_dependencies import NewestReleaseFeed
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    feed = NewestReleaseFeed(timeout=30)
    try:
        # pycrypto's last release (2.6.1, 2013) carries PYSEC-2017-94 and others, never fixed.
        _, vulns = feed.query(ResolvedDependency(name="pycrypto", version=Version("2.6.1")))
        older, older_vulns = feed.query(ResolvedDependency(name="jinja2", version=Version("2.10")))
    except Exception as error:  # the registry itself is out of reach: not this code's failure (raised again in CI)
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"the package registry is not reachable: {error}")
    assert "PYSEC-2017-94" in {v.id for v in vulns}
    assert older.is_skipped() and older_vulns == []
    assert "not the newest release" in older.skip_reason and "upgrade it to audit it" in older.skip_reason
