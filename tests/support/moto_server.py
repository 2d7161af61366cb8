"""Runs a moto server on 127.0.0.1 for the test suite and exits when its parent dies.

Usage: python3 tests/support/moto_server.py PORT PARENT_PID
Never binds anything but loopback.
"""
import os
import sys
import threading
import time

# AWS-managed IAM policies exist in every account; moto loads them only when asked. aprc
# attaches one (API Gateway's CloudWatch Logs policy) to the account's logging role.
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
# moto's ECS services run no tasks unless told how many each has running; ECS steps wait for
# their services to be steady.
os.environ.setdefault("MOTO_ECS_SERVICE_RUNNING", "1")

from moto.server import ThreadedMotoServer  # noqa: E402 - after the setting above


def main() -> None:
    port = int(sys.argv[1])
    parent = int(sys.argv[2])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    print("ready", flush=True)

    def watch() -> None:
        while True:
            try:
                os.kill(parent, 0)
            except OSError:
                server.stop()
                os._exit(0)
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True).start()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
