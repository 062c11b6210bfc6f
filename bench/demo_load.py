"""First load of the demo on a fresh clone: `jpo demo --reset --seed 2026` on a fresh SQLite file.

Prints the wall time and the CPU time (user + system, of the command and its children) of the demo, and,
as the baseline measured in the same run, the same for `jpo check` (starting Python, Django and every
app: the floor any `jpo` command pays). Target (issue: first run): the demo in under 20 s.

    .venv/bin/python bench/demo_load.py [--scale 1.0] [--seed 2026] [--smoke]

The wall time depends on how busy the machine is (it shares 2 cores); the CPU time much less so.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import ROOT, setup_database

JPO = str(Path(sys.executable).with_name("jpo"))


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child, its output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--smoke", action="store_true", help="a small run (--scale 0.1)")
    options = parser.parse_args()
    scale = 0.1 if options.smoke else options.scale
    url, _ = setup_database(db="sqlite", label="demo_load", pg_url="")
    media = ROOT / "var" / "bench" / "demo_load_media"
    shutil.rmtree(media, ignore_errors=True)
    env = {**os.environ, "DATABASE_URL": url, "JPO_MEDIA_ROOT": str(media)}
    env.pop("JPO_ENV", None)
    timed([JPO, "migrate", "--noinput", "-v0"], env)
    base_wall, base_cpu, _ = timed([JPO, "check"], env)
    wall, cpu, output = timed(
        [JPO, "demo", "--reset", "--seed", str(options.seed), "--scale", str(scale)], env
    )
    again_wall, again_cpu, _ = timed([JPO, "demo", "--seed", str(options.seed), "--scale", str(scale)], env)
    load = os.getloadavg()[0]
    summary = [line for line in output.splitlines() if line.startswith("jpo demo done")]
    print(summary[0][:160] if summary else output[-500:])
    print(f"demo (scale {scale}, fresh SQLite): wall {wall:.1f} s, CPU {cpu:.1f} s (target: under 20 s)")
    print(f"second run (nothing missing): wall {again_wall:.1f} s, CPU {again_cpu:.1f} s")
    print(
        f"baseline `jpo check`: wall {base_wall:.1f} s, CPU {base_cpu:.1f} s; "
        f"ratio {wall / base_wall:.1f}x wall, {cpu / base_cpu:.1f}x CPU; load average {load:.1f}"
    )
    shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
