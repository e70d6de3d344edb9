"""Speech: audio decoding, voice activity segmentation, transcription, speaking metrics."""

from candidatex.speech.audio import AudioError, UploadLimits, decode_audio_file, pcm16_to_float32
from candidatex.speech.metrics import SpeakingMetrics, speaking_metrics
from candidatex.speech.pipeline import (
    FinalTranscript,
    PartialTranscript,
    SpeechStartedEvent,
    VoiceAnswerPipeline,
    transcribe_recording,
)
from candidatex.speech.segmenter import SegmenterSettings, SpeechSegmenter
from candidatex.speech.transcriber import Transcriber, Transcript, Word

__all__ = [
    "AudioError",
    "FinalTranscript",
    "PartialTranscript",
    "SegmenterSettings",
    "SpeakingMetrics",
    "SpeechSegmenter",
    "SpeechStartedEvent",
    "Transcriber",
    "Transcript",
    "UploadLimits",
    "VoiceAnswerPipeline",
    "Word",
    "decode_audio_file",
    "pcm16_to_float32",
    "speaking_metrics",
    "transcribe_recording",
]
