"""Running commands. Two kinds:

* local commands (make the venv, pip, the installed agent's `enrol`) always run: they
  only touch paths under the root;
* system commands (systemctl, update-ca-certificates, dconf, useradd) change the live
  system, so under a staging root they are not run but listed as `staged: ...`, which
  is how tests observe them without touching the machine."""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from installer.errors import InstallError

TIMEOUT_S = 600  # pip on a slow school network


@dataclass
class Runner:
    out: TextIO
    real: bool  # the root is "/": system commands really run
    staged: list[tuple[str, ...]] = field(default_factory=list)

    def system(self, argv: Sequence[str], *, check: bool = True) -> None:
        if not self.real:
            self.staged.append(tuple(argv))
            self.out.write(f"  staged: {shlex.join(argv)}\n")
            return
        self.local(argv, check=check)

    def local(
        self,
        argv: Sequence[str],
        *,
        check: bool = True,
        env: dict[str, str] | None = None,
        stdin: str | None = None,
    ) -> str:
        """Run and return stdout; a failure becomes an InstallError with the command's own words.
        `stdin`: for a secret, which on the command line any user could read in the process list."""
        try:
            done = subprocess.run(  # noqa: S603 (fixed programs, arguments from the plan)
                list(argv), capture_output=True, text=True, timeout=TIMEOUT_S, check=False, env=env, input=stdin
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise InstallError(f"could not run `{shlex.join(argv)}`: {exc}") from exc
        if check and done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines()
            tail = "\n    ".join(said[-8:]) or "(no output)"
            raise InstallError(f"`{shlex.join(argv)}` failed with exit status {done.returncode}:\n    {tail}")
        return done.stdout
