// Runs on the audio thread: hands 16 kHz float samples to the page in ~100 ms batches.
// A file of the app's own origin, because the Content-Security-Policy allows scripts from 'self' only.
class Capture extends AudioWorkletProcessor {
  constructor() { super(); this.buffer = []; this.size = 0; }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) {
      this.buffer.push(channel.slice());
      this.size += channel.length;
      if (this.size >= 1600) {
        const out = new Float32Array(this.size);
        let offset = 0;
        for (const part of this.buffer) { out.set(part, offset); offset += part.length; }
        this.port.postMessage(out, [out.buffer]);
        this.buffer = []; this.size = 0;
      }
    }
    return true;
  }
}
registerProcessor("candidatex-capture", Capture);
