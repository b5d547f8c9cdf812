import QRCode from "qrcode";
import { useEffect, useState } from "react";

/** The text as a QR code image (an SVG data URL, drawn locally). */
export function QrCode(props: { text: string; label: string; size?: number }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toString(props.text, { type: "svg", margin: 1, errorCorrectionLevel: "M" })
      .then((svg) => {
        if (live) setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
      })
      .catch(() => setSrc(null));
    return () => {
      live = false;
    };
  }, [props.text]);
  const size = props.size ?? 220;
  return src ? <img className="qr" src={src} width={size} height={size} alt={props.label} /> : <div style={{ width: size, height: size }} />;
}
