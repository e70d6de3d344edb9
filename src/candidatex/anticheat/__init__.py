"""Anti-cheat: vision detectors on camera frames, signed browser signals, strikes, a hash-chained log.

* ``vision``  - FrameAnalyzer: per-frame faces, head pose, distance, covered, frozen (mediapipe).
* ``monitor`` - VisionMonitor: sampling, bounded queue, analysis off the loop, debounced Violations.
* ``signals`` - ClientSignal, SignalVerifier (HMAC + sequence), typing-cadence analysis.
* ``policy``  - StrikePolicy (spec thresholds, ANTI_CHEAT_THRESHOLD), precheck evaluation.
* ``chain``   - sequence_hash chaining and verification of ``anti_cheat_log``.
* ``events``  - builders of log entries; ``report`` - integrity report and risk score.
* ``service`` - AntiCheatSession: one session's state, from inputs to log entries and decisions.

``coordinator`` (AntiCheatCoordinator, ``app.state.anti_cheat``) is the facade over the parts with I/O:
``sessionlog`` (context, chained append, seal, verify, strike outcome), ``ingest`` (signals, heartbeats),
``watch`` (vision monitors of running sessions) and ``judge`` (precheck, live start).
"""
