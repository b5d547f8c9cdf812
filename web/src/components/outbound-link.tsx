import type { ReactNode } from "react";
import { downloadFile, isInsideTelegram, linkAction, openLink } from "@/lib/telegram";

/**
 * A link that leaves the app: a wallet's `ton://` transfer link or a file to download (`download` names it). In a
 * browser it is a plain <a>; inside Telegram, whose WebView blocks both, a click asks the client through the SDK
 * (openLink / downloadFile).
 */
export function OutboundLink(props: { href: string; download?: string; className?: string; children: ReactNode }) {
  return (
    <a
      className={props.className}
      href={props.href}
      download={props.download}
      onClick={(e) => {
        const action = linkAction(props.href, props.download !== undefined, isInsideTelegram(), window.location.href);
        if (!action) return;
        e.preventDefault();
        if (action.kind === "download") downloadFile(action.url, props.download ?? "");
        else openLink(action.url);
      }}
    >
      {props.children}
    </a>
  );
}
