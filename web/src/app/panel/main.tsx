// The organizer panel at /panel: Login Widget sign-in, the organizer's events, the event editor, guests with
// refunds, staff, the check-in desk and analytics, and the wallet link.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router-dom";
import { Api } from "@/lib/api-client";
import { ApiProvider } from "@/lib/api-context";
import "@/styles.css";
import { Panel } from "./panel";

const api = new Api("onton.panel.session");

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ApiProvider api={api}>
      <BrowserRouter>
        <Panel />
      </BrowserRouter>
    </ApiProvider>
  </StrictMode>,
);
