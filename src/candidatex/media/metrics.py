"""Prometheus figures of the media hubs of this process, read from `MediaHub.stats()` at scrape time.

A custom collector (registered once per process on the default registry that /metrics serves), so
several apps in one process (tests) never register the same metric twice and nothing is updated on
the media path itself.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any

from prometheus_client import REGISTRY
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

GAUGES = {
    "rooms": "Interview sessions with an open media room",
    "peers": "Server WebRTC peers (publish and subscribe)",
    "publishers": "Peers receiving a participant's camera and microphone",
    "subscribers": "Peers sending a room's media to a watcher or the other side",
    "recordings": "Sessions being recorded",
}
COUNTERS = {
    "video_frames_sampled": "Video frames queued for analysis",
    "video_frames_analysed": "Video frames handed to the analysis consumers",
    "video_frames_dropped": "Video frames dropped because analysis was behind",
    "audio_chunks_forwarded": "Audio chunks handed to the speech consumers",
    "audio_chunks_dropped": "Audio chunks dropped because speech was behind",
}

_hubs: weakref.WeakSet[Any] = weakref.WeakSet()


class MediaCollector(Collector):
    def collect(self) -> Iterator[Any]:
        totals: dict[str, int] = {}
        for hub in list(_hubs):
            for key, value in hub.stats().items():
                totals[key] = totals.get(key, 0) + int(value)
        for key, doc in GAUGES.items():
            gauge = GaugeMetricFamily(f"candidatex_media_{key}", doc)
            gauge.add_metric([], totals.get(key, 0))
            yield gauge
        for key, doc in COUNTERS.items():
            counter = CounterMetricFamily(f"candidatex_media_{key}", doc)
            counter.add_metric([], totals.get(key, 0))
            yield counter


_collector = MediaCollector()
REGISTRY.register(_collector)


def track(hub: Any) -> None:
    """Count this hub in the process's /metrics."""
    _hubs.add(hub)
