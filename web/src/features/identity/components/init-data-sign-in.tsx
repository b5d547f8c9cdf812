import { useState } from "react";
import { Field, FormError } from "@/components/field";
import { useT } from "@/lib/i18n-context";
import { useSignIn } from "../api/sign-in";

/** The Mini App's sign-in in a plain browser: initData pasted from `onton admin init-data`. */
export function InitDataSignIn(props: { error?: string }) {
  const { t } = useT();
  const signIn = useSignIn();
  const [initData, setInitData] = useState("");
  const error = signIn.error ? t("error", { message: signIn.error.message }) : props.error;
  return (
    <main>
      <h1>Onton</h1>
      <p className="muted">{t("signInHint")}</p>
      <form
        aria-label={t("signIn")}
        onSubmit={(e) => {
          e.preventDefault();
          signIn.mutate({ initData: initData.trim() });
        }}
      >
        <Field label={t("initData")}>
          {(id, describedBy) => (
            <textarea id={id} aria-describedby={describedBy} rows={3} required value={initData} onChange={(e) => setInitData(e.target.value)} />
          )}
        </Field>
        <FormError message={error} />
        <button type="submit" disabled={signIn.isPending}>
          {t("signIn")}
        </button>
      </form>
    </main>
  );
}
