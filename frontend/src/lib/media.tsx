import { useEffect, useRef, useState } from "react";

export type MediaState =
  | { status: "idle" | "requesting" }
  | { status: "ready"; stream: MediaStream }
  | { status: "failed"; message: string };

function describeMediaError(error: unknown): string {
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError")
    return "The browser was not allowed to use your camera or microphone. Allow access in the address bar, then try again.";
  if (name === "NotFoundError" || name === "OverconstrainedError")
    return "We couldn't find a camera or microphone. Plug one in, then try again.";
  if (name === "NotReadableError")
    return "Your camera or microphone is being used by another application. Close it, then try again.";
  if (!navigator.mediaDevices) return "This browser can't use a camera or microphone here. Use a recent Chrome, Edge, Firefox or Safari over HTTPS.";
  return "We couldn't start your camera or microphone. Please try again.";
}

/** Asks for camera and/or microphone; stops the tracks when the component goes away. */
export function useUserMedia(constraints: MediaStreamConstraints, enabled = true) {
  const [state, setState] = useState<MediaState>({ status: "idle" });
  const [attempt, setAttempt] = useState(0);
  const key = JSON.stringify(constraints);

  useEffect(() => {
    if (!enabled) return;
    let stream: MediaStream | null = null;
    let cancelled = false;
    setState({ status: "requesting" });
    (async () => {
      try {
        if (!navigator.mediaDevices?.getUserMedia) throw new Error("unsupported");
        stream = await navigator.mediaDevices.getUserMedia(JSON.parse(key) as MediaStreamConstraints);
        if (cancelled) stream.getTracks().forEach((track) => track.stop());
        else setState({ status: "ready", stream });
      } catch (error) {
        if (!cancelled) setState({ status: "failed", message: describeMediaError(error) });
      }
    })();
    return () => {
      cancelled = true;
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [key, enabled, attempt]);

  return { state, retry: () => setAttempt((value) => value + 1) };
}

/** Live microphone loudness from 0 to 1, updated every animation frame. */
export function useAudioLevel(stream: MediaStream | null): number {
  const [level, setLevel] = useState(0);
  const frame = useRef(0);

  useEffect(() => {
    if (!stream || stream.getAudioTracks().length === 0) return;
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      // RMS of speech sits around 0.02-0.2; scale so normal speech fills most of the meter.
      setLevel(Math.min(1, Math.sqrt(sum / samples.length) * 5));
      frame.current = requestAnimationFrame(tick);
    };
    void context.resume();
    tick();
    return () => {
      cancelAnimationFrame(frame.current);
      void context.close();
    };
  }, [stream]);

  return level;
}

/** Plays a short two-note chime so the candidate can confirm their speakers work. */
export async function playTestTone(): Promise<void> {
  const context = new AudioContext();
  await context.resume();
  const gain = context.createGain();
  gain.gain.value = 0.15;
  gain.connect(context.destination);
  [660, 880].forEach((frequency, index) => {
    const oscillator = context.createOscillator();
    oscillator.frequency.value = frequency;
    oscillator.connect(gain);
    oscillator.start(context.currentTime + index * 0.35);
    oscillator.stop(context.currentTime + index * 0.35 + 0.3);
  });
  setTimeout(() => void context.close(), 1200);
}

export function useFullscreen(): { active: boolean; enter: () => Promise<void>; exit: () => Promise<void> } {
  const [active, setActive] = useState(() => !!document.fullscreenElement);
  useEffect(() => {
    const onChange = () => setActive(!!document.fullscreenElement);
    document.addEventListener("fullscreenchange", onChange);
    return () => document.removeEventListener("fullscreenchange", onChange);
  }, []);
  return {
    active,
    enter: async () => {
      if (!document.fullscreenElement) await document.documentElement.requestFullscreen();
    },
    exit: async () => {
      if (document.fullscreenElement) await document.exitFullscreen();
    },
  };
}

/** Number of screens, where the browser can tell (Chromium's Window Management API); 1 otherwise. */
export function screenCount(): number {
  const extended = (window.screen as Screen & { isExtended?: boolean }).isExtended;
  return extended ? 2 : 1;
}

export function VideoPreview({ stream, label, muted = true, controls = false, className = "" }: {
  stream: MediaStream | null;
  label: string;
  muted?: boolean;
  controls?: boolean;
  className?: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} autoPlay playsInline muted={muted} controls={controls} aria-label={label} className={className} />;
}
