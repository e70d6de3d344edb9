// The precheck's camera test: a few JPEG frames about half a second apart, so the server can check that
// exactly one live (moving) face is visible before the interview can start.

const FRAME_WIDTH = 480;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function playingVideo(stream: MediaStream): Promise<HTMLVideoElement | null> {
  const video = document.createElement("video");
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  try {
    await video.play();
  } catch {
    return null;
  }
  for (let i = 0; i < 50 && !video.videoWidth; i += 1) await sleep(100);
  return video.videoWidth ? video : null;
}

/** Base64 JPEG frames (no data: prefix) from the camera; an empty list when the camera gives no picture. */
export async function captureCameraFrames(stream: MediaStream, count = 3, gapMs = 500): Promise<string[]> {
  const video = await playingVideo(stream);
  if (!video) return [];
  const canvas = document.createElement("canvas");
  canvas.width = FRAME_WIDTH;
  canvas.height = Math.round((video.videoHeight / video.videoWidth) * FRAME_WIDTH);
  const context = canvas.getContext("2d");
  const frames: string[] = [];
  try {
    for (let i = 0; i < count && context; i += 1) {
      if (i) await sleep(gapMs);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      frames.push(canvas.toDataURL("image/jpeg", 0.85).split(",", 2)[1]);
    }
  } finally {
    video.pause();
    video.srcObject = null;
  }
  return frames;
}
