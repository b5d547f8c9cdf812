import { useState } from "react";
import { Field, FormError } from "@/components/field";
import { useApplications, useDecide, type Application } from "../api/applications";

function RejectForm(props: { eventUuid: string; app: Application; name: string; onDone: () => void }) {
  const decide = useDecide(props.eventUuid);
  const [reason, setReason] = useState("");
  return (
    <form
      aria-label={`Reject ${props.name}`}
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        decide.mutate({ userId: props.app.user_id, approve: false, reason }, { onSuccess: props.onDone });
      }}
    >
      <Field label={`Reason for ${props.name}`} error={decide.error?.message} hint="the guest is sent it">
        {(id, d) => <input id={id} aria-describedby={d} required value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <button type="submit" className="danger" disabled={decide.isPending}>
        Reject
      </button>
      <button type="button" className="secondary" onClick={props.onDone}>
        Keep pending
      </button>
    </form>
  );
}

/** Applications to an approval-only event: approve, or reject with a reason the guest is told. */
export function Applications(props: { eventUuid: string }) {
  const apps = useApplications(props.eventUuid);
  const decide = useDecide(props.eventUuid);
  const [rejecting, setRejecting] = useState<number | null>(null);
  const items = apps.data?.items ?? [];
  return (
    <>
      <FormError message={apps.error?.message ?? decide.error?.message} />
      {apps.data && items.length === 0 && <p className="muted">No applications yet.</p>}
      {items.length > 0 && (
        <table>
          <caption className="sr-only">Applications</caption>
          <thead>
            <tr>
              <th scope="col">Applicant</th>
              <th scope="col">Answer</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="sr-only">Decision</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => {
              const name = a.first_name ?? String(a.user_id);
              return (
                <tr key={a.user_id} data-application-status={a.status}>
                  <td>
                    {name} {a.username && <span className="muted">@{a.username}</span>}
                  </td>
                  <td className="pre-wrap">{a.answer ?? "—"}</td>
                  <td>
                    {a.status}
                    {a.reason && <div className="muted">{a.reason}</div>}
                  </td>
                  <td>
                    {a.status === "pending" &&
                      (rejecting === a.user_id ? (
                        <RejectForm eventUuid={props.eventUuid} app={a} name={name} onDone={() => setRejecting(null)} />
                      ) : (
                        <div className="row">
                          <button
                            type="button"
                            aria-label={`Approve ${name}`}
                            disabled={decide.isPending}
                            onClick={() => decide.mutate({ userId: a.user_id, approve: true })}
                          >
                            Approve
                          </button>
                          <button type="button" className="secondary" aria-label={`Reject ${name}…`} onClick={() => setRejecting(a.user_id)}>
                            Reject…
                          </button>
                        </div>
                      ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
