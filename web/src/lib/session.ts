// The signed-in user (GET /api/v1/me), which several features read: the shell greets them, the wallet link shows
// their wallet, admins see the refund action.
import { useQuery } from "@tanstack/react-query";
import type { Api } from "./api-client";
import { useApi } from "./api-context";
import { queryKeys } from "./query-keys";
import { userSchema, type User } from "./schemas";

export function getMe(api: Api): Promise<User> {
  return api.request(userSchema, "/api/v1/me");
}

export function useMe() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.me, queryFn: () => getMe(api), enabled: api.signedIn });
}
