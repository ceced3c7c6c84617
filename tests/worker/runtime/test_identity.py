import os
import socket
import subprocess

from neuroyard_worker.runtime.identity import lease_holder_is_dead, process_identity


def test_a_lease_names_this_process():
    assert process_identity("gpu@box").endswith(f"/{os.getpid()}")


def test_an_exited_process_on_this_host_holds_a_dead_lease():
    child = subprocess.Popen(["true"])
    child.wait()
    assert lease_holder_is_dead(f"gpu@{socket.gethostname()}/{child.pid}")


def test_a_live_process_or_another_host_is_not_declared_dead():
    with subprocess.Popen(["sleep", "30"]) as child:
        assert not lease_holder_is_dead(f"gpu@{socket.gethostname()}/{child.pid}")
        child.kill()
    assert not lease_holder_is_dead("gpu@some-other-host/1")
    assert not lease_holder_is_dead("garbage")
