import { useEffect, useRef, useState } from "react";

/** Reads QR codes from the camera: a frame every 200 ms through jsQR; calls onCode with each new payload. */
export function CameraScanner(props: { onCode: (code: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<"off" | "on" | "error">("off");
  const onCode = useRef(props.onCode);
  useEffect(() => {
    onCode.current = props.onCode;
  });
  useEffect(() => {
    if (state !== "on") return;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;
    let last = "";
    let lastAt = 0;
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(async (s) => {
        stream = s;
        // The decoder is most of the panel's weight: loaded when the camera starts.
        const { default: jsQR } = await import("jsqr");
        const v = video.current;
        if (!v) return;
        v.srcObject = s;
        await v.play();
        timer = setInterval(() => {
          if (!context || v.videoWidth === 0) return;
          canvas.width = v.videoWidth;
          canvas.height = v.videoHeight;
          context.drawImage(v, 0, 0);
          const image = context.getImageData(0, 0, canvas.width, canvas.height);
          const found = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
          const now = Date.now();
          // The same code held in front of the camera is one scan, not one per frame.
          if (found?.data && (found.data !== last || now - lastAt > 4000)) {
            last = found.data;
            lastAt = now;
            onCode.current(found.data);
          }
        }, 200);
      })
      .catch(() => setState("error"));
    return () => {
      if (timer) clearInterval(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [state]);
  return (
    <section aria-label="Camera scanner">
      {state === "on" ? (
        <button type="button" className="secondary" onClick={() => setState("off")}>
          Stop camera
        </button>
      ) : (
        <button type="button" className="secondary" onClick={() => setState("on")}>
          Scan with camera
        </button>
      )}
      {state === "error" && <p className="form-error">The camera is not available; enter the code by hand.</p>}
      {state === "on" && <video ref={video} className="scanner" muted playsInline aria-label="Camera preview" />}
    </section>
  );
}
