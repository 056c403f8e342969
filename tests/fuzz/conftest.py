"""Hypothesis profiles for the fuzz tests.

"ci" (the default) is derandomized, so every run tries the same examples and a failure in CI
reproduces locally; "explore" draws new examples each run (HYPOTHESIS_PROFILE=explore, with more
examples per test) to look for new bugs. Neither keeps an example database (Hypothesis still
caches Unicode tables in `.hypothesis/`, which carries its own .gitignore). Each test sets its own
`max_examples` so the folder stays under a minute on a 2-core machine; `explore` multiplies them
(`strategies.examples`).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]

settings.register_profile("ci", derandomize=True, database=None, deadline=None, suppress_health_check=_SLOW_OK)
settings.register_profile("explore", database=None, deadline=None, suppress_health_check=_SLOW_OK)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
