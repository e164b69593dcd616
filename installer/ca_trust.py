"""--with-ca: trust the laptop's own, name-constrained proxy CA (docs/proxy.md) in the
system store and in the NSS databases found, so block pages and the media rule work
over HTTPS. The proxy makes the CA on its first start with --intercept; until it
exists this step is pending and the operator runs the same install again."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import PurePosixPath

from installer.agent_steps import wait_for_file
from installer.executor import Pending
from installer.layout import Layout
from installer.manifest import Record
from installer.steps import Context, FilesInForce, StepFailed, WriteFile

SYSTEM_CERT = PurePosixPath("/usr/local/share/ca-certificates/classguard-proxy-ca.crt")
NSS_NAME = "classguard proxy CA"


def nss_databases(layout: Layout) -> list[PurePosixPath]:
    """The shared system NSS database and each user's (Chromium on Linux reads ~/.pki/nssdb)."""
    found = [PurePosixPath("/etc/pki/nssdb")] if layout.at("/etc/pki/nssdb/cert9.db").exists() else []
    homes = sorted(layout.at("/home").glob("*/.pki/nssdb/cert9.db")) if layout.at("/home").is_dir() else []
    found += [PurePosixPath("/") / p.parent.relative_to(layout.root) for p in homes]
    return found


@dataclass(frozen=True)
class TrustCA:
    wait_seconds: float  # on the machine itself the agent has just started and makes the CA

    @property
    def id(self) -> str:
        return "trust-ca"

    def describe(self) -> str:
        return "trust this laptop's proxy CA (name-constrained to the guarded domains)"

    def changes(self, layout: Layout) -> list[str]:
        lines = [
            f"copies {layout.ca_file} (made by the proxy on its first start) to {SYSTEM_CERT}",
            "runs `update-ca-certificates`" + ("" if layout.real else " (staging root: listed, not run)"),
        ]
        lines += [f"adds it to the NSS database {db} (`certutil -A`)" for db in nss_databases(layout)]
        if not layout.at(layout.ca_file).exists():
            lines.append("pending until the CA exists: then run the same install command again")
        return [*lines, "undone by removing it, `update-ca-certificates --fresh`, `certutil -D`"]

    def apply(self, ctx: Context) -> list[Record]:
        layout = ctx.layout
        if not wait_for_file(ctx, str(layout.ca_file), self.wait_seconds):
            raise Pending(
                f"the proxy has not made its CA yet ({layout.ca_file}); once the agent has enrolled and "
                "synced, run the same `classguard-install install ... --with-ca` again to trust it"
            )
        pem = layout.at(layout.ca_file).read_bytes()
        store = FilesInForce(
            "system CA store",
            (WriteFile(SYSTEM_CERT, pem, 0o644, "the proxy CA for the system store"),),
            run=(("update-ca-certificates",),),
            undo_last=(("update-ca-certificates", "--fresh"),),
        )
        records = store.apply(ctx)
        databases = nss_databases(layout)
        if databases and shutil.which("certutil") is None:
            ctx.runner.out.write("  NSS databases not updated: certutil is missing (apt-get install libnss3-tools)\n")
            return records
        for db in databases:
            # certutil changes only the database files under the root, so it runs under
            # a staging root too (system=False), where the tests check it for real
            certutil = ("certutil", "-d", f"sql:{layout.live(db)}")
            records.append(Record("command", undo=(*certutil, "-D", "-n", NSS_NAME), system=False))
            try:
                ctx.runner.local((*certutil, "-A", "-t", "C,,", "-n", NSS_NAME, "-i", layout.live(SYSTEM_CERT)))
            except Exception as exc:
                raise StepFailed(records) from exc
        return records
