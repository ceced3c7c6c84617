"""Test only: makes a worker accept the stand-in weights files the browser tests serve.

Loaded by the worker through NEUROYARD_JOB_KIND_MODULES, the hook a site adds job kinds with
(it registers no kind): it swaps Keras' published digests for the stand-ins' ones, given as
NEUROYARD_TEST_STANDIN_WEIGHTS=network=md5[,network=md5...], so the real download code, with its
digest check, runs against the local server (tests.weights_server).
"""

from __future__ import annotations

import dataclasses
import os

from neuroyard_core.pretrained import WEIGHTS_FILES

for pair in filter(None, os.environ.get("NEUROYARD_TEST_STANDIN_WEIGHTS", "").split(",")):
    network, _, md5 = pair.partition("=")
    WEIGHTS_FILES[network] = dataclasses.replace(WEIGHTS_FILES[network], md5=md5)
