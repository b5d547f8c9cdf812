import { createContext, useContext } from "react";
import type { Api, User } from "@/lib/api";

export const PanelCtx = createContext<{ api: Api; user: User } | null>(null);

export function usePanel(): { api: Api; user: User } {
  const ctx = useContext(PanelCtx);
  if (!ctx) throw new Error("usePanel outside the signed-in panel");
  return ctx;
}
