"""The one build step pyproject.toml cannot declare: the simulator jar goes into the wheel.

``mvn -B -q -ntp package -DskipTests`` (or ``make build``) at the root writes
simulator/target/sscard-simulator.jar; the wheel carries it as ``jcardsim_bridge/sscard-simulator.jar``,
where :func:`jcardsim_bridge.find_jar` looks. A wheel without it could not start the virtual card, so its
build stops here instead. ``SSCARD_SIM_JAR`` names another jar to pack. Editable installs read the jar
from the checkout and need none.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import SetupError

ROOT = Path(__file__).resolve().parent
JAR_NAME = "sscard-simulator.jar"
BUILT_JAR = ROOT / "simulator" / "target" / JAR_NAME


class build_py_with_jar(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        override = os.environ.get("SSCARD_SIM_JAR")
        jar = Path(override) if override else BUILT_JAR
        if not jar.is_file():
            where = f"SSCARD_SIM_JAR={override}" if override else str(jar.relative_to(ROOT))
            raise SetupError(f"the simulator jar is missing ({where}): the wheel must carry it. Build it first "
                             "with `mvn -B -q -ntp package -DskipTests` (or `make build`) at the project root.")
        target = Path(self.build_lib) / "jcardsim_bridge" / JAR_NAME
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(jar, target)


setup(cmdclass={"build_py": build_py_with_jar})
