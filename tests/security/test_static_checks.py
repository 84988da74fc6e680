"""bandit (static security check) over the app, and pip-audit (known vulnerabilities) over what is installed.
bandit's two skipped checks and every `# nosec` are explained where they are (pyproject.toml, the code)."""

import json
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


def test_pip_audit_finds_no_known_vulnerability():
    done = subprocess.run([str(BIN / "pip-audit"), "--skip-editable", "--progress-spinner", "off", "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.skip(f"pip-audit could not run: {done.stderr.strip()[-300:]}")
    audited = [d for d in report["dependencies"] if "skip_reason" not in d]
    if not audited:
        # Seen on this project's machines: the package registry answers /pypi/<name>/json but not the
        # per-version /pypi/<name>/<version>/json that pip-audit asks, and osv.dev is not reachable.
        pytest.skip("pip-audit could audit no dependency: the vulnerability service is not reachable from here "
                    f"({report['dependencies'][0].get('skip_reason', '')})")
    vulnerable = [f"{d['name']} {d['version']}: {[v['id'] for v in d['vulns']]}" for d in audited if d["vulns"]]
    assert vulnerable == []
