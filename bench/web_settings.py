"""Neuroyard's settings with the benchmark's reference view mounted (bench.web_urls)."""

from neuroyard.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.web_urls"
