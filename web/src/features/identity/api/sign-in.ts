// POST /api/v1/auth/telegram (Mini App init data), POST /api/v1/auth/telegram-login (Login Widget),
// POST /api/v1/auth/logout.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import type { Api } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer } from "@/lib/openapi";
import { queryKeys } from "@/lib/query-keys";
import { userSchema } from "@/lib/schemas";

export const sessionSchema = z.object({ token: z.string(), expires_at: z.number().int(), user: userSchema });
export type Session = z.output<typeof sessionSchema>;
conforms<Session, ApiAnswer<"signInTelegram">>(true);

export async function signInWithInitData(api: Api, initData: string): Promise<Session> {
  const s = await api.request(sessionSchema, "/api/v1/auth/telegram", { method: "POST", body: { init_data: initData } });
  api.setToken(s.token);
  return s;
}

export async function signInWithWidget(api: Api, payload: Record<string, string | number>): Promise<Session> {
  const s = await api.request(sessionSchema, "/api/v1/auth/telegram-login", { method: "POST", body: payload });
  api.setToken(s.token);
  return s;
}

export async function signOut(api: Api): Promise<void> {
  try {
    await api.call("/api/v1/auth/logout", { method: "POST" });
  } finally {
    api.setToken(null);
  }
}

/** Signs in and puts the user in the cache (the shell reads it with useMe). */
export function useSignIn() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { initData: string } | { widget: Record<string, string | number> }) =>
      "initData" in input ? signInWithInitData(api, input.initData) : signInWithWidget(api, input.widget),
    onSuccess: (s) => client.setQueryData(queryKeys.me, s.user),
  });
}

export function useSignOut() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({ mutationFn: () => signOut(api), onSettled: () => client.clear() });
}
