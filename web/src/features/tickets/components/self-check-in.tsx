import { useState } from "react";
import { Field } from "@/components/field";
import { useT } from "@/lib/i18n-context";
import { useMyTickets } from "../api/tickets";
import { useSelfCheckIn } from "../api/self-check-in";

/** An online event's check-in for a ticket holder: type the phrase the organizer reveals during the event. */
export function SelfCheckIn(props: { eventUuid: string }) {
  const { t } = useT();
  const tickets = useMyTickets();
  const check = useSelfCheckIn(props.eventUuid);
  const [phrase, setPhrase] = useState("");
  const mine = (tickets.data?.items ?? []).filter((x) => x.event_uuid === props.eventUuid && (x.status === "valid" || x.status === "used"));
  if (mine.length === 0) return null;
  const done = mine.every((x) => x.status === "used") || check.data?.result === "admitted" || check.data?.result === "already_used";
  return (
    <section className="card" aria-label={t("selfCheckIn")}>
      <h2>{t("selfCheckIn")}</h2>
      {done ? (
        <p role="status" data-testid="self-check-in-done">
          {t("selfCheckInDone")}
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            check.mutate(phrase);
          }}
        >
          <Field
            label={t("selfCheckInPhrase")}
            error={
              check.data?.result === "wrong_phrase"
                ? t("wrongPhrase", { n: check.data.attempts_left ?? 0 })
                : check.error
                  ? t("error", { message: check.error.message })
                  : undefined
            }
          >
            {(id, d) => <input id={id} aria-describedby={d} autoComplete="off" required value={phrase} onChange={(e) => setPhrase(e.target.value)} />}
          </Field>
          <button type="submit" disabled={check.isPending}>
            {t("checkInNow")}
          </button>
        </form>
      )}
    </section>
  );
}
