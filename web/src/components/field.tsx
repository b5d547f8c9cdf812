import { useId, type ReactNode } from "react";

/** A labelled form control with its error under it (aria-describedby), so keyboards and screen readers reach both. */
export function Field(props: { label: string; error?: string; children: (id: string, describedBy: string | undefined) => ReactNode; hint?: string }) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, props.error ? errorId : undefined)}
      {props.hint && <small className="hint">{props.hint}</small>}
      {props.error && (
        <small id={errorId} className="field-error" role="alert">
          {props.error}
        </small>
      )}
    </div>
  );
}

/** A form-wide error (one without a field). */
export function FormError(props: { message?: string }) {
  if (!props.message) return null;
  return (
    <p className="form-error" role="alert">
      {props.message}
    </p>
  );
}
