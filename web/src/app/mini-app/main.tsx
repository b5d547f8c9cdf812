// The participant Mini App at /app: signs in with the launch's init data (inside Telegram, from the SDK) or a pasted
// one (a plain browser), then discovery, event pages, payment, tickets, orders and the wallet link.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router-dom";
import { Api } from "@/lib/api-client";
import { ApiProvider } from "@/lib/api-context";
import { applyTheme, isInsideTelegram, startTelegram } from "@/lib/telegram";
import "@/styles.css";
import { MiniApp } from "./mini-app";

const launch = startTelegram(window.location, window.history);
if (!isInsideTelegram()) applyTheme(launch.theme);
const api = new Api("onton.app.session");

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ApiProvider api={api}>
      <BrowserRouter>
        <MiniApp launch={launch} />
      </BrowserRouter>
    </ApiProvider>
  </StrictMode>,
);
