"""The sandbox served over HTTP on loopback, for `kiosk sandbox`, fault runs and benchmarks."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import uvicorn

from kiosk.sandbox.app import Sandbox, create_app


class ServedSandbox:
    """Runs uvicorn in a background thread; `with ServedSandbox(sandbox) as served:`."""

    def __init__(self, sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> None:
        sandbox.faults.in_process = False
        self.sandbox = sandbox
        config = uvicorn.Config(
            create_app(sandbox.ugmart, sandbox.ums, sandbox.faults),
            host=host,
            port=port,
            log_level="critical",
            lifespan="off",
            # A "timeout" fault sleeps past the client's patience; stopping must not wait for it.
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, daemon=True)
        self.host = host
        self.port = port

    def start(self) -> ServedSandbox:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)

    @property
    def ugmart_url(self) -> str:
        return f"http://{self.host}:{self.port}/api"

    @property
    def ums_url(self) -> str:
        return f"http://{self.host}:{self.port}/ums/api/v1"

    def __enter__(self) -> ServedSandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def served(sandbox: Sandbox | None = None) -> Iterator[ServedSandbox]:
    with ServedSandbox(sandbox or Sandbox()) as running:
        yield running
