import { useState, type ReactNode } from "react";
import { Field, FormError } from "@/components/field";
import { useT } from "@/lib/i18n-context";
import type { EventInfo } from "@/lib/schemas";
import { useApply, useMyRegistration } from "../api/registrations";

/**
 * An approval-only event's door before the ticket form: apply (with an optional note to the organizer), wait while
 * the application is pending, read the reason of a rejection (and apply again); once approved, `children` (the buy
 * form). Events open to all show `children` at once.
 */
export function RegistrationGate(props: { event: EventInfo; children: ReactNode }) {
  const { t } = useT();
  const needed = props.event.requires_approval === true;
  const mine = useMyRegistration(props.event.event_uuid, needed);
  const apply = useApply(props.event.event_uuid);
  const [answer, setAnswer] = useState("");
  if (!needed) return <>{props.children}</>;
  if (mine.isPending) return <p>{t("loading")}</p>;
  const reg = mine.data;
  if (reg?.status === "approved") return <>{props.children}</>;
  return (
    <section className="card" aria-label={t("application")} data-registration={reg?.status ?? "none"}>
      <h2>{t("application")}</h2>
      {reg?.status === "pending" ? (
        <p role="status">{t("applicationPending")}</p>
      ) : (
        <>
          {reg?.status === "rejected" && <p role="status">{t("applicationRejected", { reason: reg.reason ?? "" })}</p>}
          <p className="muted">{t("applicationHint")}</p>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              apply.mutate(answer.trim());
            }}
          >
            <Field label={t("applicationNote")}>{(id) => <textarea id={id} rows={2} value={answer} onChange={(e) => setAnswer(e.target.value)} />}</Field>
            <FormError message={apply.error ? t("error", { message: apply.error.message }) : undefined} />
            <button type="submit" disabled={apply.isPending}>
              {t("apply")}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
