"""No running process loads the offline tooling (training, conversion, data checks): importing
every composition root and the inference code leaves `tooling` out of `sys.modules`."""

from __future__ import annotations

import subprocess
import sys

from sakot.settings import PROJECT_ROOT

ROOTS = ("sakot.app", "sakot.worker", "sakot.action_server", "sakot.nlu_server",
         "bot.classifier.inference", "bot.classifier.ensemble")


def test_no_process_imports_the_offline_tooling():
    probe = ("import importlib, sys\n"
             f"for name in {ROOTS!r}:\n"
             "    importlib.import_module(name)\n"
             "print(sorted(m for m in sys.modules if m == 'tooling' or m.startswith('tooling.')))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True,
                         text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"
