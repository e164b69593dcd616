"""Steps that use the installed agent through its command line: enrol during install,
and wait for the proxy's CA before it is trusted."""

from __future__ import annotations

import time
from dataclasses import dataclass

from installer.errors import InstallError
from installer.layout import Layout
from installer.manifest import Record
from installer.steps import Context
from policies import clock

# A school's laptops enrol at the same moment (a deployment wave), often through one
# address: the agent asks a busy or unreachable console again, with back-off, this long.
ENROL_RETRY_S = 300


def agent_command(layout: Layout, *args: str) -> list[str]:
    return [layout.live(layout.agent_bin), "--config", layout.live(layout.agent_config), *args]


@dataclass(frozen=True)
class Enrol:
    console_url: str
    code: str

    @property
    def id(self) -> str:
        return "enrol"

    def describe(self) -> str:
        return f"enrol this laptop with {self.console_url}"

    def changes(self, layout: Layout) -> list[str]:
        return [
            f"runs `classguard-agent enrol --console {self.console_url} --code - --retry-for {ENROL_RETRY_S}` "
            "(the code on its standard input, not in the process list); "
            f"writes into {layout.state_dir}"
        ]

    def apply(self, ctx: Context) -> list[Record]:
        try:
            said = ctx.runner.local(
                agent_command(
                    ctx.layout,
                    "enrol",
                    "--console",
                    self.console_url,
                    "--code",
                    "-",
                    "--retry-for",
                    str(ENROL_RETRY_S),
                ),
                stdin=self.code + "\n",
            )
        except InstallError as exc:
            raise InstallError(
                f"{exc}\n  enrolment failed: check the console URL and the code (a code expires and has a number "
                "of uses; IT makes a new one with `classguard-console enrol-code --group GROUP`)"
            ) from exc
        ctx.runner.out.write("".join(f"  {line}\n" for line in said.splitlines()))
        return []  # what enrol writes lives in the state directory, removed with it


def wait_for_file(ctx: Context, target: str, seconds: float) -> bool:
    path = ctx.layout.at(target)
    deadline = clock.monotonic() + seconds
    while not path.exists():
        if clock.monotonic() >= deadline:
            return False
        time.sleep(0.5)
    return True
