import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Navigate, Route, Routes } from "react-router-dom";
import { Api, type User } from "@/lib/api";
import "@/styles.css";
import { CheckInPage } from "./checkin-page";
import { PanelCtx } from "./context";
import { EventEditor } from "./event-editor";
import { EventsPage } from "./events-page";
import { GuestsPage } from "./guests-page";
import { SignIn } from "./sign-in";
import { StaffPage } from "./staff-page";
import { StatsPage } from "./stats-page";

const api = new Api("onton.panel.session");

function Panel() {
  const [user, setUser] = useState<User | null>(null);
  const [checked, setChecked] = useState(!api.signedIn);
  useEffect(() => {
    if (!api.signedIn) return;
    api
      .call<User>("/api/v1/me")
      .then(setUser)
      .catch(() => api.setToken(null))
      .finally(() => setChecked(true));
  }, []);
  if (!checked) return null;
  if (!user) return <SignIn api={api} onSignedIn={setUser} />;
  const signOut = () => {
    void api.call("/api/v1/auth/logout", { method: "POST" }).finally(() => {
      api.setToken(null);
      setUser(null);
    });
  };
  return (
    <PanelCtx.Provider value={{ api, user }}>
      <header className="bar">
        <span className="brand">Onton · organizer</span>
        <span className="muted">
          {user.first_name}
          {user.username ? ` @${user.username}` : ""}
        </span>
        <button type="button" className="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      <p className="muted" style={{ padding: "0 16px" }}>
        Wallet connection with ton_proof is not available on this server yet.
      </p>
      <Routes>
        <Route path="/panel" element={<EventsPage />} />
        <Route path="/panel/events/new" element={<EventEditor key="new" />} />
        <Route path="/panel/events/:uuid" element={<EventEditor />} />
        <Route path="/panel/events/:uuid/guests" element={<GuestsPage />} />
        <Route path="/panel/events/:uuid/staff" element={<StaffPage />} />
        <Route path="/panel/events/:uuid/check-in" element={<CheckInPage />} />
        <Route path="/panel/events/:uuid/stats" element={<StatsPage />} />
        <Route path="*" element={<Navigate to="/panel" replace />} />
      </Routes>
    </PanelCtx.Provider>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <BrowserRouter>
      <Panel />
    </BrowserRouter>
  </StrictMode>,
);
