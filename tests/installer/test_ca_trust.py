"""--with-ca with a real certutil: the proxy's CA goes into an NSS database in the
staging root (a pupil's ~/.pki/nssdb, which Chromium reads) and uninstall takes it
out again. In CI (where .ci/bootstrap installs libnss3-tools) it must run."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509

from installer.ca_trust import NSS_NAME
from tests.installer.ca import make_ca
from tests.installer.conftest import Run, snapshot

pytestmark = pytest.mark.skipif(
    shutil.which("certutil") is None and not os.environ.get("CI"),
    reason="certutil is missing (apt-get install libnss3-tools); in CI this test must run",
)


def certutil(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["certutil", "-d", f"sql:{db}", *args], capture_output=True, text=True, check=False)


def test_the_ca_goes_into_a_users_nss_database_and_uninstall_takes_it_out(
    run: Run, staging: Path, install_args: list[str], tmp_path: Path
) -> None:
    db = staging / "home/pupil/.pki/nssdb"
    db.mkdir(parents=True)
    assert certutil(db, "-N", "--empty-password").returncode == 0
    before = snapshot(staging)
    install = ["--root", str(staging), "--unattended", "install", "--with-ca", *install_args]
    status, out, err = run(*install)
    assert (status, err) == (0, "")
    assert "installed, with a step still to do:\n" in out

    # the proxy makes its CA on its first start (test_enrol_and_run.py); here the test does
    ca = make_ca(tmp_path).read_bytes()
    (staging / "var/lib/classguard/proxy").mkdir()
    (staging / "var/lib/classguard/proxy/ca.pem").write_bytes(ca)
    status, out, err = run(*install)
    assert (status, err) == (0, "")
    assert "[1/1] trust this laptop's proxy CA (name-constrained to the guarded domains)\n" in out
    listed = certutil(db, "-L", "-n", NSS_NAME, "-a")
    assert listed.returncode == 0, listed.stderr
    assert x509.load_pem_x509_certificate(listed.stdout.encode()) == x509.load_pem_x509_certificate(ca)
    assert "C,," in certutil(db, "-L").stdout  # trusted to issue server certificates

    status, _, err = run("--root", str(staging), "--unattended", "uninstall")
    assert (status, err) == (0, "")
    gone = certutil(db, "-L", "-n", NSS_NAME)
    assert gone.returncode != 0 and "could not find" in gone.stderr.lower(), gone.stderr
    # NSS rewrites its SQLite files on every change, so those are compared by what they
    # hold (above); everything else byte for byte
    after = snapshot(staging)
    nss = {name for name in before if name.startswith("home/pupil/.pki/nssdb/")}
    assert after.keys() == before.keys()
    assert {k: v for k, v in after.items() if k not in nss} == {k: v for k, v in before.items() if k not in nss}
