"""What an API process loads at start (its resident set: see bench/README.md, live)."""

from __future__ import annotations

import subprocess
import sys


def test_the_api_loads_statsmodels_only_for_a_forecast() -> None:
    """Over 100 MB of the API's memory (statsmodels, scipy, pandas) is loaded when a
    forecast first needs it, not by every process (the live subscribers' RSS target)."""
    code = (
        "import sys, app.main; print(sorted({'statsmodels', 'scipy', 'pandas'} & set(sys.modules)))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
