"""`make bench`: run every benchmark in one go and write bench/RESULTS.md.

Each script prints its figures with the goal beside them; this collects them verbatim
under a description of the machine they ran on (figures from shared, noisy machines
are only comparable within one run: that is why each script measures side by side).

    python bench/results.py [--quick] [--out bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policies.clock import system_now

BENCH = Path(__file__).resolve().parent
SCRIPTS = (
    ("decide.py", "The decision (policies.decide) against a plain set lookup"),
    ("proxy.py", "The proxy: direct, classguard, squid, tinyproxy; the block page; memory"),
    ("propagation.py", "The console: a grant reaching 1,000 long-polling agents; heartbeats at 200/s"),
    ("agent.py", "The agent's footprint and its reaction to a grant"),
)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{memory_kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration, ValueError):
        memory = "RAM unknown"
    return (
        f"{os.cpu_count()} × {model}, {memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs: they check the scripts, not the figures")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args(argv)
    sections = []
    failed = 0
    for script, what in SCRIPTS:
        path = BENCH / script
        if not path.exists():
            sections.append(f"## {what}\n\n`bench/{script}` does not exist yet.\n")
            continue
        command = [sys.executable, str(path), *(["--quick"] if args.quick else [])]
        print(f"bench: running {script} ...", file=sys.stderr, flush=True)
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        output = result.stdout.strip() or "(no output)"
        if result.returncode != 0:
            failed += 1
            output += f"\n\n(exit {result.returncode}) {result.stderr.strip()[-2000:]}"
        sections.append(
            f"## {what}\n\n`python bench/{script}{' --quick' if args.quick else ''}`\n\n```\n{output}\n```\n"
        )
        print(output)
    quick = " (QUICK runs: not measurements)" if args.quick else ""
    header = (
        "# Benchmark results\n\n"
        f"Written by `make bench` on {system_now():%Y-%m-%d %H:%M} UTC{quick}.\n\n"
        f"Machine: {machine()}.\n\n"
        "Figures from one run, side by side; the goal is printed beside each figure. A shared\n"
        "machine is noisy: compare ratios within a run, not absolute figures across runs.\n\n"
    )
    args.out.write_text(header + "\n".join(sections), encoding="utf-8")
    print(f"bench: wrote {args.out}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
