"""A background server-sent-events listener for tests."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import httpx


@dataclass
class EventListener:
    base_url: str
    token: str
    events: list[tuple[str, dict]] = field(default_factory=list)
    subscribed: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> EventListener:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        assert self.subscribed.wait(10), "the event stream did not open"
        return self

    def _run(self) -> None:
        url = f"{self.base_url}/api/v1/events"
        with httpx.stream("GET", url, params={"access_token": self.token}, timeout=httpx.Timeout(None, connect=5)) as r:
            event, data = None, []
            for line in r.iter_lines():
                if self._stop.is_set():
                    return
                if line.startswith("event:"):
                    event = line.removeprefix("event:").strip()
                elif line.startswith("data:"):
                    data.append(line.removeprefix("data:").strip())
                elif line == "" and event:
                    payload = json.loads("\n".join(data)) if data else {}
                    self.events.append((event, payload))
                    if event == "subscribed":
                        self.subscribed.set()
                    event, data = None, []

    def wait_for(self, name: str, predicate=lambda d: True, timeout: float = 60.0) -> dict:  # noqa: ANN001
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event, payload in list(self.events):
                if event == name and predicate(payload):
                    return payload
            time.sleep(0.1)
        raise AssertionError(f"no {name} event within {timeout}s; saw {[e for e, _ in self.events]}")

    def of(self, name: str) -> list[dict]:
        return [p for e, p in self.events if e == name]

    def stop(self) -> None:
        self._stop.set()
