import { useEffect, useRef, useState } from "react";
import { useParams } from "react-router-dom";
import { Field } from "@/components/field";
import type { CheckInResult } from "@/lib/api";
import { usePanel } from "./context";
import { EventTabs } from "./event-tabs";

type Verdict = { kind: "admitted" | "already_used" | "invalid"; text: string; detail?: string };

function verdictOf(r: CheckInResult): Verdict {
  if (r.result === "admitted") return { kind: "admitted", text: "ADMITTED", detail: r.guest?.name };
  if (r.result === "already_used") {
    const when = r.checked_in_at ? ` at ${new Date(r.checked_in_at * 1000).toLocaleTimeString()}` : "";
    return { kind: "already_used", text: "ALREADY USED", detail: `${r.guest?.name ?? "This ticket"} was admitted${when}` };
  }
  return { kind: "invalid", text: "INVALID", detail: "No valid ticket for this event has this code." };
}

/** Reads QR codes from the camera: a frame every 200 ms through jsQR; calls onCode with each new payload. */
function CameraScanner(props: { onCode: (code: string) => void }) {
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

export function CheckInPage() {
  const { uuid = "" } = useParams();
  const { api } = usePanel();
  const [code, setCode] = useState("");
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [error, setError] = useState<string>();
  const check = async (raw: string) => {
    const value = raw.trim();
    if (!value) return;
    try {
      const r = await api.call<CheckInResult>(`/api/v1/events/${uuid}/check-in`, { method: "POST", body: { code: value } });
      setVerdict(verdictOf(r));
      setError(undefined);
      navigator.vibrate?.(r.result === "admitted" ? 80 : [60, 60, 60]);
    } catch (e) {
      setVerdict(null);
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <main>
      <h1>Check-in</h1>
      <EventTabs uuid={uuid} />
      <CameraScanner onCode={(c) => void check(c)} />
      <form
        aria-label="Manual check-in"
        onSubmit={(e) => {
          e.preventDefault();
          void check(code);
          setCode("");
        }}
      >
        <Field label="Ticket code" error={error}>
          {(id, d) => <input id={id} aria-describedby={d} autoComplete="off" value={code} onChange={(e) => setCode(e.target.value)} />}
        </Field>
        <button type="submit">Check in</button>
      </form>
      <div role="status" aria-live="assertive">
        {verdict && (
          <div className={`verdict ${verdict.kind}`} data-verdict={verdict.kind}>
            {verdict.text}
            {verdict.detail && <div style={{ fontSize: "1rem", fontWeight: 500 }}>{verdict.detail}</div>}
          </div>
        )}
      </div>
    </main>
  );
}
