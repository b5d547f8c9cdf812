import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { Field } from "@/components/field";
import type { EventInfo } from "@/lib/api";
import { formatDate } from "@/lib/i18n";
import { useApp } from "./context";
import { useBackButton } from "./telegram-buttons";

const categories = ["conference", "meetup", "concert", "workshop", "party", "sport"];

export function DiscoverPage() {
  const { api, t, lang } = useApp();
  const [q, setQ] = useState("");
  const [category, setCategory] = useState("");
  const [events, setEvents] = useState<EventInfo[] | null>(null);
  const [error, setError] = useState<string>();
  useBackButton(false);
  useEffect(() => {
    const params = new URLSearchParams({ when: "upcoming", limit: "50" });
    if (q.trim()) params.set("q", q.trim());
    if (category) params.set("category", category);
    const timer = setTimeout(() => {
      api
        .call<{ items: EventInfo[] }>(`/api/v1/events?${params.toString()}`)
        .then((r) => {
          setEvents(r.items);
          setError(undefined);
        })
        .catch((e: Error) => setError(e.message));
    }, 250);
    return () => clearTimeout(timer);
  }, [api, q, category]);
  return (
    <main>
      <h1>{t("discover")}</h1>
      <div className="row">
        <Field label={t("search")}>{(id) => <input id={id} type="search" value={q} onChange={(e) => setQ(e.target.value)} />}</Field>
        <Field label={t("category")}>
          {(id) => (
            <select id={id} value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">{t("allCategories")}</option>
              {categories.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {error && <p className="form-error">{t("error", { message: error })}</p>}
      {events === null ? (
        <p>{t("loading")}</p>
      ) : events.length === 0 ? (
        <p className="muted">{t("noEvents")}</p>
      ) : (
        events.map((e) => (
          <Link key={e.event_uuid} to={`/app/events/${e.event_uuid}`} className="card" style={{ display: "block", color: "inherit", textDecoration: "none" }}>
            <h2>{e.title}</h2>
            <div className="muted">
              {formatDate(lang, e.start_date, e.timezone)} · {e.participation_type === "online" ? t("online") : e.location}
            </div>
          </Link>
        ))
      )}
    </main>
  );
}
