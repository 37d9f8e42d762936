"""Bench-only settings for ``bench/http_floor.py``: the project's settings, with the URL map of
``bench/http_floor_urls.py`` (the project's URLs plus the floor's endpoints). Never used by the product."""

from tuishou.settings import *  # noqa: F403 - the product's settings, every one of them

ROOT_URLCONF = "bench.http_floor_urls"
