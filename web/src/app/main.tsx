import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, NavLink, Navigate, Route, Routes, useNavigate } from "react-router-dom";
import { Field, FormError } from "@/components/field";
import { Api, type User } from "@/lib/api";
import { pickLanguage, translate } from "@/lib/i18n";
import { applyTheme, on, parseLaunchParams, splitHashRoute, startBridge } from "@/lib/telegram";
import "@/styles.css";
import { Ctx, useApp } from "./context";
import { DiscoverPage } from "./discover-page";
import { EventPage } from "./event-page";
import { OrderPage } from "./order-page";
import { OrdersPage, TicketsPage } from "./tickets-page";

const launch = parseLaunchParams(window.location.hash);
const hashRoute = splitHashRoute(window.location.hash).route;
const api = new Api("onton.app.session");
startBridge(launch);
applyTheme(launch.theme);
on("theme_changed", (data) => applyTheme((data as { theme_params?: Record<string, string> } | null)?.theme_params ?? {}));

/** The sign-in form for a plain browser: initData pasted from `onton admin init-data`. */
function SignIn(props: { onSignedIn: (user: User) => void; error?: string }) {
  const lang = pickLanguage(launch.user?.language_code ?? navigator.language);
  const [initData, setInitData] = useState("");
  const [error, setError] = useState<string | undefined>(props.error);
  const submit = async (raw: string) => {
    try {
      const s = await api.signInWithInitData(raw.trim());
      props.onSignedIn(s.user);
    } catch (e) {
      setError(translate(lang, "error", { message: e instanceof Error ? e.message : String(e) }));
    }
  };
  return (
    <main>
      <h1>Onton</h1>
      <p className="muted">{translate(lang, "signInHint")}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit(initData);
        }}
      >
        <Field label={translate(lang, "initData")}>
          {(id, describedBy) => <textarea id={id} aria-describedby={describedBy} rows={3} value={initData} onChange={(e) => setInitData(e.target.value)} />}
        </Field>
        <FormError message={error} />
        <button type="submit">{translate(lang, "signIn")}</button>
      </form>
    </main>
  );
}

/**
 * Opens the page a launch names, once: the event of a deep link (t.me/<bot>/app?startapp=event_<uuid>) or the
 * page in the hash of the bot's buttons (/app#/tickets).
 */
let startParamUsed = false;
function StartParam() {
  const navigate = useNavigate();
  useEffect(() => {
    // navigate changes with every location: without the flag each page change would go back to the event.
    if (startParamUsed) return;
    startParamUsed = true;
    const m = /^event_([A-Za-z0-9-]+)$/.exec(launch.startParam ?? "");
    if (m) navigate(`/app/events/${m[1]}`, { replace: true });
    else if (hashRoute) navigate(`/app${hashRoute}`, { replace: true });
  }, [navigate]);
  return null;
}

function Shell() {
  const { t } = useApp();
  return (
    <>
      <header className="bar">
        <span className="brand">Onton</span>
        <nav aria-label="Main">
          <NavLink to="/app" end>
            {t("discover")}
          </NavLink>
          <NavLink to="/app/tickets">{t("myTickets")}</NavLink>
          <NavLink to="/app/orders">{t("orders")}</NavLink>
        </nav>
      </header>
      <StartParam />
      <Routes>
        <Route path="/app" element={<DiscoverPage />} />
        <Route path="/app/events/:uuid" element={<EventPage />} />
        <Route path="/app/orders/:uuid" element={<OrderPage />} />
        <Route path="/app/tickets" element={<TicketsPage />} />
        <Route path="/app/orders" element={<OrdersPage />} />
        <Route path="*" element={<Navigate to="/app" replace />} />
      </Routes>
    </>
  );
}

function App() {
  const [user, setUser] = useState<User | null>(null);
  const [pending, setPending] = useState(api.signedIn || launch.initData !== null);
  const [error, setError] = useState<string>();
  useEffect(() => {
    // Inside Telegram the launch's initData signs in; otherwise a session from earlier in this tab is reused.
    const first = launch.initData
      ? api.signInWithInitData(launch.initData).then((s) => s.user)
      : api.signedIn
        ? api.call<User>("/api/v1/me")
        : null;
    first
      ?.then(setUser, (e: Error) => {
        api.setToken(null);
        setError(e.message);
      })
      .finally(() => setPending(false));
  }, []);
  const lang = pickLanguage(user?.language_code ?? launch.user?.language_code);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  if (pending) return <main>{translate(lang, "loading")}</main>;
  if (!user) return <SignIn onSignedIn={setUser} error={error} />;
  return (
    <Ctx.Provider value={{ api, user, lang }}>
      <Shell />
    </Ctx.Provider>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <BrowserRouter>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
