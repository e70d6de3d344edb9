"""Real-time media: WebRTC peers on the server, relay to watchers, sampling for analysis, recording."""

from candidatex.media.consumers import AudioConsumer, VideoFrameConsumer
from candidatex.media.hub import MediaHub, MediaHubError, Role, parse_ice_servers
from candidatex.media.signaling import NotAParticipant, SignalingService

__all__ = [
    "AudioConsumer",
    "MediaHub",
    "MediaHubError",
    "NotAParticipant",
    "Role",
    "SignalingService",
    "VideoFrameConsumer",
    "parse_ice_servers",
]
