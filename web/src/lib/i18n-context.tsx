// The language of the signed-in app for its features: the Mini App follows Telegram's language, the panel and the
// site speak English (no provider).
import { createContext, useContext, useMemo } from "react";
import { translate, type Language, type MessageKey } from "./i18n";

export const LanguageContext = createContext<Language>("en");

export function useT(): { t: (key: MessageKey, params?: Record<string, string | number>) => string; lang: Language } {
  const lang = useContext(LanguageContext);
  // Stable per language, so that effects may depend on it.
  return useMemo(() => ({ lang, t: (key: MessageKey, params?: Record<string, string | number>) => translate(lang, key, params) }), [lang]);
}
