import { createContext, useContext } from "react";
import type { Api, User } from "@/lib/api";
import { translate, type Language, type MessageKey } from "@/lib/i18n";

export type AppContext = { api: Api; user: User; lang: Language };

export const Ctx = createContext<AppContext | null>(null);

export function useApp(): AppContext & { t: (key: MessageKey, params?: Record<string, string | number>) => string } {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error("useApp outside the signed-in app");
  return { ...ctx, t: (key, params) => translate(ctx.lang, key, params) };
}
