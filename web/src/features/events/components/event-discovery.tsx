import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { Field, FormError } from "@/components/field";
import { categoryIds, categoryLabel } from "@/lib/categories";
import { formatDate } from "@/lib/i18n";
import { useT } from "@/lib/i18n-context";
import { useEventPages } from "../api/events";

/** Events per page of the listing: "Show more" follows the API's next_cursor. */
const pageSize = 20;

/** The Mini App's upcoming events, with search and categories; each links to `eventHref(uuid)`. */
export function EventDiscovery(props: { eventHref: (uuid: string) => string }) {
  const { t, lang } = useT();
  const [q, setQ] = useState("");
  const [typed, setTyped] = useState("");
  const [category, setCategory] = useState("");
  // Ask once the typing pauses, not on every key.
  useEffect(() => {
    const timer = setTimeout(() => setQ(typed), 250);
    return () => clearTimeout(timer);
  }, [typed]);
  const events = useEventPages({ q, category, when: "upcoming", limit: pageSize });
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <form className="row" role="search" aria-label={t("search")} onSubmit={(e) => e.preventDefault()}>
        <Field label={t("search")}>{(id) => <input id={id} type="search" value={typed} onChange={(e) => setTyped(e.target.value)} />}</Field>
        <Field label={t("category")}>
          {(id) => (
            <select id={id} value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">{t("allCategories")}</option>
              {categoryIds.map((c) => (
                <option key={c} value={c}>
                  {categoryLabel(c, lang)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      {events.error && <FormError message={t("error", { message: events.error.message })} />}
      {!events.data ? (
        <p>{t("loading")}</p>
      ) : items.length === 0 ? (
        <p className="muted">{t("noEvents")}</p>
      ) : (
        <>
          {items.map((e) => (
            <Link key={e.event_uuid} to={props.eventHref(e.event_uuid)} className="card plain-link" data-testid="event-card">
              <h2>{e.title}</h2>
              <div className="muted">
                {formatDate(lang, e.start_date, e.timezone)} · {e.participation_type === "online" ? t("online") : e.location}
                {e.category ? ` · ${categoryLabel(e.category, lang)}` : ""}
              </div>
            </Link>
          ))}
          {events.hasNextPage && (
            <button type="button" className="secondary" disabled={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
              {t("showMore")}
            </button>
          )}
        </>
      )}
    </>
  );
}
