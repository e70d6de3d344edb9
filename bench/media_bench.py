"""Media relay benchmark: N publishing candidates x M watchers each, on loopback, in one process.

Each candidate's camera draws 640x480 frames carrying their frame number as a row of black/white
blocks; the analysis consumer reads the number back from the BGR image it receives and looks up when
that frame was drawn, which gives the glass-to-analysis latency (capture excluded; encode, network,
decode, relay, sampling, conversion included). The clients run in the same process as the hub, so the
figures are a lower bound for what a dedicated media worker relays.

    PYTHONPATH=src python bench/media_bench.py --publishers 2 --watchers 2 --seconds 20
"""

import argparse
import asyncio
import statistics
import time

import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection
from aiortc.mediastreams import MediaStreamError, VideoStreamTrack
from av.video.frame import VideoFrame
from skimage.data import astronaut
from skimage.transform import resize

from candidatex.media.hub import MediaHub, Role

WIDTH, HEIGHT, BITS, BLOCK = 640, 480, 16, 40


class NumberedCamera(VideoStreamTrack):
    def __init__(self, drawn_at: dict[int, float]) -> None:
        super().__init__()
        self._background = (resize(astronaut(), (HEIGHT, WIDTH)) * 255).astype(np.uint8)
        self._drawn_at = drawn_at
        self._number = 0

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        self._number = (self._number + 1) % (1 << BITS)
        image = self._background.copy()
        for bit in range(BITS):
            image[:BLOCK, bit * BLOCK : (bit + 1) * BLOCK] = 255 if self._number >> bit & 1 else 0
        self._drawn_at[self._number] = time.time()
        frame = VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts, frame.time_base = pts, time_base
        return frame


def read_number(image_bgr: np.ndarray) -> int:
    centres = image_bgr[BLOCK // 4 : 3 * BLOCK // 4].mean(axis=(0, 2))
    return sum(1 << bit for bit in range(BITS) if centres[bit * BLOCK + BLOCK // 2] > 128)


class LatencyProbe:
    def __init__(self) -> None:
        self.drawn_at: dict[str, dict[int, float]] = {}
        self.latencies: list[float] = []

    async def consume_video(self, session_id: str, image_bgr: np.ndarray, captured_at: float) -> None:
        drawn = self.drawn_at[session_id].get(read_number(image_bgr))
        if drawn is not None:
            self.latencies.append(time.time() - drawn)


async def run(publishers: int, watchers: int, seconds: float, sample_fps: float) -> None:
    probe = LatencyProbe()
    hub = MediaHub(ice_servers=[], video_sample_fps=sample_fps, video_consumer=probe)
    pcs: list[RTCPeerConnection] = []
    received = [0] * (publishers * watchers)

    async def count_frames(index: int, track) -> None:  # type: ignore[no-untyped-def]
        try:
            while True:
                await track.recv()
                received[index] += 1
        except MediaStreamError:
            pass

    counters: list[asyncio.Task[None]] = []
    for p in range(publishers):
        session = f"bench-{p}"
        probe.drawn_at[session] = {}
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        pcs.append(pc)
        pc.addTrack(NumberedCamera(probe.drawn_at[session]))
        await pc.setLocalDescription(await pc.createOffer())
        await pc.setRemoteDescription(await hub.publish(session, f"cand-{p}", Role.CANDIDATE, pc.localDescription))
        for w in range(watchers):
            index = p * watchers + w
            pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
            pcs.append(pc)
            pc.addTransceiver("video", direction="recvonly")
            pc.on("track", lambda track, i=index: counters.append(asyncio.create_task(count_frames(i, track))))
            await pc.setLocalDescription(await pc.createOffer())
            await pc.setRemoteDescription(await hub.subscribe(session, f"w-{p}-{w}", Role.WATCHER, pc.localDescription))

    await asyncio.sleep(3)  # connect and settle before measuring
    probe.latencies.clear()
    received_before = list(received)
    stats_before = hub.stats()
    cpu_before, wall_before = time.process_time(), time.monotonic()
    await asyncio.sleep(seconds)
    cpu = time.process_time() - cpu_before
    wall = time.monotonic() - wall_before
    stats = hub.stats()
    delivered = [(after - before) / wall for after, before in zip(received, received_before, strict=True)]

    latencies_ms = sorted(1000 * value for value in probe.latencies)
    sampled = stats["video_frames_analysed"] - stats_before["video_frames_analysed"]
    dropped = stats["video_frames_dropped"] - stats_before["video_frames_dropped"]
    print(f"publishers={publishers} watchers/publisher={watchers} sample_fps={sample_fps} seconds={wall:.0f}")
    print(f"  analysed frames/s per publisher: {sampled / wall / publishers:.2f} (dropped {dropped})")
    if delivered:
        print(f"  watcher fps: mean {statistics.mean(delivered):.1f}, min {min(delivered):.1f} (camera 30)")
    if latencies_ms:
        p95 = latencies_ms[int(0.95 * (len(latencies_ms) - 1))]
        print(f"  glass-to-analysis ms: p50 {statistics.median(latencies_ms):.0f}, p95 {p95:.0f}, n={len(latencies_ms)}")
    print(f"  process CPU: {100 * cpu / wall:.0f}% of one core (clients included)")

    for pc in pcs:
        await pc.close()
    await hub.shutdown()
    for task in counters:
        task.cancel()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publishers", type=int, default=1)
    parser.add_argument("--watchers", type=int, default=1, help="watchers per publisher")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--sample-fps", type=float, default=2)
    args = parser.parse_args()
    asyncio.run(run(args.publishers, args.watchers, args.seconds, args.sample_fps))


if __name__ == "__main__":
    main()
