import { useEffect, useRef, useState } from "react";
import { Field, FormError } from "@/components/field";
import { useSignIn } from "../api/sign-in";

/** The bot the server names in `<meta name="onton:bot">` (ONTON_BOT_USERNAME), if any. */
function botUsername(): string | null {
  return document.querySelector<HTMLMetaElement>('meta[name="onton:bot"]')?.content || null;
}

/**
 * Telegram Login Widget sign-in. Telegram's widget script draws the button and calls back with the signed user
 * object; without a configured bot (local development, tests) the object `onton admin login-widget` prints is pasted
 * instead. Either way the server checks the signature.
 */
export function LoginWidgetSignIn() {
  const [payload, setPayload] = useState("");
  const [localError, setError] = useState<string>();
  const widget = useRef<HTMLDivElement>(null);
  const bot = botUsername();
  const signIn = useSignIn();
  const { mutate } = signIn;
  const error = localError ?? signIn.error?.message;

  useEffect(() => {
    if (!bot || !widget.current) return;
    const w = window as unknown as { onTelegramAuth?: (user: Record<string, string | number>) => void };
    w.onTelegramAuth = (user) => mutate({ widget: user });
    const script = document.createElement("script");
    script.async = true;
    script.src = "https://telegram.org/js/telegram-widget.js?22";
    script.dataset.telegramLogin = bot;
    script.dataset.size = "large";
    script.dataset.onauth = "onTelegramAuth(user)";
    script.dataset.requestAccess = "write";
    widget.current.appendChild(script);
  }, [bot, mutate]);

  const submit = () => {
    setError(undefined);
    let parsed: Record<string, string | number>;
    try {
      parsed = JSON.parse(payload) as Record<string, string | number>;
    } catch {
      setError("Paste the JSON object that `onton admin login-widget` prints.");
      return;
    }
    mutate({ widget: parsed });
  };

  return (
    <main>
      <h1>Onton organizer panel</h1>
      {bot ? <div ref={widget} /> : <p className="muted">No Telegram bot is configured on this server (ONTON_BOT_USERNAME): use the local sign-in below.</p>}
      <details open={!bot}>
        <summary>Local sign-in</summary>
        <form
          aria-label="Local sign-in"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <Field label="Login Widget data" hint="The output of: onton admin login-widget --user-id N --username NAME">
            {(id, describedBy) => <textarea id={id} aria-describedby={describedBy} rows={4} value={payload} onChange={(e) => setPayload(e.target.value)} />}
          </Field>
          <FormError message={error} />
          <button type="submit" disabled={signIn.isPending}>
            Sign in
          </button>
        </form>
      </details>
    </main>
  );
}
