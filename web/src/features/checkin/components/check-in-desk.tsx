import { useState } from "react";
import { Field } from "@/components/field";
import { useCheckIn, useUndoCheckIn, verdictOf, type Verdict } from "../api/check-in";
import { CameraScanner } from "./camera-scanner";

/** The door: camera scanning plus manual code entry, with a big clear admitted / already used / invalid answer. */
export function CheckInDesk(props: { eventUuid: string }) {
  const [code, setCode] = useState("");
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  // The code last admitted here, so a mistaken admission can be undone at once.
  const [admitted, setAdmitted] = useState<string | null>(null);
  const checkIn = useCheckIn(props.eventUuid);
  const undo = useUndoCheckIn(props.eventUuid);
  const check = (raw: string) => {
    const value = raw.trim();
    if (!value) return;
    checkIn.mutate(value, {
      onSuccess: (r) => {
        setVerdict(verdictOf(r));
        setAdmitted(r.result === "admitted" ? value : null);
        navigator.vibrate?.(r.result === "admitted" ? 80 : [60, 60, 60]);
      },
      onError: () => setVerdict(null),
    });
  };
  const undoLast = () => {
    if (!admitted) return;
    undo.mutate(admitted, {
      onSuccess: (r) => {
        setVerdict(verdictOf(r));
        setAdmitted(null);
      },
    });
  };
  return (
    <>
      <CameraScanner onCode={check} />
      <form
        aria-label="Manual check-in"
        onSubmit={(e) => {
          e.preventDefault();
          check(code);
          setCode("");
        }}
      >
        <Field label="Ticket code" error={checkIn.error?.message}>
          {(id, d) => <input id={id} aria-describedby={d} autoComplete="off" value={code} onChange={(e) => setCode(e.target.value)} />}
        </Field>
        <button type="submit">Check in</button>
      </form>
      <div role="status" aria-live="assertive">
        {verdict && (
          <div className={`verdict ${verdict.kind}`} data-verdict={verdict.kind}>
            {verdict.text}
            {verdict.detail && <div className="verdict-detail">{verdict.detail}</div>}
          </div>
        )}
      </div>
      {admitted && (
        <button type="button" className="secondary" onClick={undoLast} disabled={undo.isPending}>
          Undo this check-in
        </button>
      )}
    </>
  );
}
