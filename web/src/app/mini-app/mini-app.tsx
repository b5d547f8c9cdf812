import { useEffect, useRef } from "react";
import { Navigate, NavLink, Route, Routes, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { EventDetails } from "@/features/events/components/event-details";
import { EventDiscovery } from "@/features/events/components/event-discovery";
import { useEvent } from "@/features/events/api/events";
import { useSignIn } from "@/features/identity/api/sign-in";
import { InitDataSignIn } from "@/features/identity/components/init-data-sign-in";
import { WalletSection } from "@/features/identity/components/wallet-section";
import { useMyWaitlist } from "@/features/orders/api/waitlist";
import { BuyForm } from "@/features/orders/components/buy-form";
import { OrderList } from "@/features/orders/components/order-list";
import { OrderPayment } from "@/features/orders/components/order-payment";
import { RegistrationGate } from "@/features/orders/components/registration-gate";
import { Waitlist } from "@/features/orders/components/waitlist";
import { SelfCheckIn } from "@/features/tickets/components/self-check-in";
import { TicketList } from "@/features/tickets/components/ticket-list";
import { useBackButton } from "@/hooks/use-telegram-buttons";
import { useApi } from "@/lib/api-context";
import { pickLanguage, translate } from "@/lib/i18n";
import { LanguageContext, useT } from "@/lib/i18n-context";
import { useMe } from "@/lib/session";
import type { LaunchParams } from "@/lib/telegram";

type Launch = LaunchParams & { route: string | null };

function DiscoverRoute() {
  const { t } = useT();
  useBackButton(false);
  return (
    <main>
      <h1>{t("discover")}</h1>
      <EventDiscovery eventHref={(uuid) => `/app/events/${uuid}`} />
    </main>
  );
}

function EventRoute() {
  const { uuid = "" } = useParams();
  // A hidden ticket type's direct link: /app/events/<uuid>?code=<access code>.
  const [search] = useSearchParams();
  const code = search.get("code") ?? undefined;
  const { t } = useT();
  const navigate = useNavigate();
  const event = useEvent(uuid, code);
  const waitlist = useMyWaitlist();
  useBackButton(true);
  if (!event.data) return <main>{event.error ? t("error", { message: event.error.message }) : t("loading")}</main>;
  const entries = (waitlist.data?.items ?? []).filter((e) => e.event_uuid === uuid);
  const offered = new Set(entries.filter((e) => e.status === "offered").map((e) => e.ticket_type_id));
  return (
    <main>
      <EventDetails event={event.data} />
      {event.data.participation_type === "online" && <SelfCheckIn eventUuid={uuid} />}
      <RegistrationGate event={event.data}>
        <BuyForm
          key={[...offered].join(",")}
          event={event.data}
          accessCode={code}
          offered={offered}
          onOrdered={(order) => navigate(order.state === "paid" ? "/app/tickets" : `/app/orders/${order.uuid}`)}
        />
        <Waitlist event={event.data} entries={entries} />
      </RegistrationGate>
    </main>
  );
}

function OrderRoute() {
  const { uuid = "" } = useParams();
  useBackButton(true);
  return (
    <main>
      <OrderPayment uuid={uuid} ticketsHref="/app/tickets" />
    </main>
  );
}

function TicketsRoute() {
  const { t } = useT();
  useBackButton(false);
  return (
    <main>
      <h1>{t("myTickets")}</h1>
      <TicketList />
    </main>
  );
}

function OrdersRoute() {
  const { t } = useT();
  useBackButton(false);
  return (
    <main>
      <h1>{t("orders")}</h1>
      <OrderList orderHref={(uuid) => `/app/orders/${uuid}`} />
    </main>
  );
}

function WalletRoute() {
  useBackButton(false);
  return (
    <main>
      <WalletSection />
    </main>
  );
}

/** Opens the page a launch names, once: a deep link's event (startapp=event_<uuid>) or the hash route of the bot's buttons. */
function StartPage(props: { launch: Launch }) {
  const navigate = useNavigate();
  const used = useRef(false);
  useEffect(() => {
    if (used.current) return;
    used.current = true;
    const m = /^event_([A-Za-z0-9-]+)$/.exec(props.launch.startParam ?? "");
    if (m) navigate(`/app/events/${m[1]}`, { replace: true });
    else if (props.launch.route) navigate(`/app${props.launch.route}`, { replace: true });
  }, [navigate, props.launch]);
  return null;
}

function Shell(props: { launch: Launch }) {
  const { t } = useT();
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
          <NavLink to="/app/wallet">{t("walletTitle")}</NavLink>
        </nav>
      </header>
      <StartPage launch={props.launch} />
      <Routes>
        <Route path="/app" element={<DiscoverRoute />} />
        <Route path="/app/events/:uuid" element={<EventRoute />} />
        <Route path="/app/orders/:uuid" element={<OrderRoute />} />
        <Route path="/app/tickets" element={<TicketsRoute />} />
        <Route path="/app/orders" element={<OrdersRoute />} />
        <Route path="/app/wallet" element={<WalletRoute />} />
        <Route path="*" element={<Navigate to="/app" replace />} />
      </Routes>
    </>
  );
}

export function MiniApp(props: { launch: Launch }) {
  const api = useApi();
  const signIn = useSignIn();
  const me = useMe();
  const { mutate } = signIn;
  // Inside Telegram (or with initData in the hash) the launch signs in; otherwise a session from earlier in this tab.
  useEffect(() => {
    if (props.launch.initData) mutate({ initData: props.launch.initData });
  }, [props.launch.initData, mutate]);
  const user = signIn.data?.user ?? me.data;
  const lang = pickLanguage(user?.language_code ?? props.launch.user?.language_code ?? navigator.language);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const pending = (props.launch.initData !== null && signIn.isIdle) || signIn.isPending || (api.signedIn && me.isPending && !signIn.data);
  return (
    <LanguageContext.Provider value={lang}>
      {pending ? (
        <main>{translate(lang, "loading")}</main>
      ) : !user ? (
        <InitDataSignIn error={signIn.error?.message ?? me.error?.message} />
      ) : (
        <Shell launch={props.launch} />
      )}
    </LanguageContext.Provider>
  );
}
