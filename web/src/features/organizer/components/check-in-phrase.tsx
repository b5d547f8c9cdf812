import { useState } from "react";
import { Field } from "@/components/field";
import { fieldErrors } from "@/lib/api-client";
import { useSetCheckInPhrase } from "../api/check-in-phrase";

/**
 * An online event's self check-in: the organizer sets a phrase and reveals it to the audience during the event
 * (on the stream, in the chat); guests type it in the Mini App. The server keeps only a hash, so the phrase is shown
 * here once, right after it is set, to read out.
 */
export function CheckInPhrase(props: { eventUuid: string }) {
  const set = useSetCheckInPhrase(props.eventUuid);
  const [phrase, setPhrase] = useState("");
  const [revealed, setRevealed] = useState<string | null>(null);
  const errors = set.error ? fieldErrors(set.error) : {};
  return (
    <form
      className="card"
      aria-label="Self check-in phrase"
      onSubmit={(e) => {
        e.preventDefault();
        const value = phrase.trim();
        set.mutate(value, {
          onSuccess: () => {
            setRevealed(value);
            setPhrase("");
          },
        });
      }}
    >
      <h3>Self check-in phrase</h3>
      <p className="muted">Guests of this online event check in by typing the phrase you reveal during the event.</p>
      <Field label="Phrase" error={errors.phrase ?? errors[""]} hint="4 to 200 characters; case and spacing do not matter">
        {(id, d) => <input id={id} aria-describedby={d} required minLength={4} autoComplete="off" value={phrase} onChange={(e) => setPhrase(e.target.value)} />}
      </Field>
      <button type="submit" disabled={set.isPending}>
        Set phrase
      </button>
      {revealed && (
        <p role="status" data-testid="revealed-phrase">
          Reveal to your guests: <strong className="mono">{revealed}</strong> (stored hashed: it cannot be shown again)
        </p>
      )}
    </form>
  );
}
