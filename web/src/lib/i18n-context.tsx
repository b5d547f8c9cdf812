// The language of the signed-in app for its features: the Mini App follows Telegram's language, the panel and the
// site speak English (no provider).
import { createContext, useContext } from "react";
import { translate, type Language, type MessageKey } from "./i18n";

export const LanguageContext = createContext<Language>("en");

export function useT(): { t: (key: MessageKey, params?: Record<string, string | number>) => string; lang: Language } {
  const lang = useContext(LanguageContext);
  return { lang, t: (key, params) => translate(lang, key, params) };
}
