// A Y4M video of a QR code, for chromium's --use-file-for-fake-video-capture: the panel's camera scanner then sees
// the ticket as a phone camera would see it held up.
import { writeFileSync } from "node:fs";
import QRCode from "qrcode";

/** Writes `frames` identical 640×480 frames (4:2:0) showing `text` as a QR code, black on white. */
export function writeQrVideo(path, text, frames = 10) {
  const width = 640;
  const height = 480;
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const size = qr.modules.size;
  const scale = Math.floor(400 / (size + 8));
  const offsetX = Math.floor((width - size * scale) / 2);
  const offsetY = Math.floor((height - size * scale) / 2);
  const y = Buffer.alloc(width * height, 235);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (!qr.modules.get(row, col)) continue;
      for (let dy = 0; dy < scale; dy++) {
        y.fill(16, (offsetY + row * scale + dy) * width + offsetX + col * scale, (offsetY + row * scale + dy) * width + offsetX + (col + 1) * scale);
      }
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F5:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < frames; i++) parts.push(Buffer.from("FRAME\n"), y, chroma, chroma);
  writeFileSync(path, Buffer.concat(parts));
}
