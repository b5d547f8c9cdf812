// The API client and the TanStack Query cache each app runs on: features read the client with useApi() and keep
// every answer in the query cache under the keys in lib/query-keys.ts.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createContext, useContext, useState, type ReactNode } from "react";
import { ApiError, type Api } from "./api-client";

const ApiContext = createContext<Api | null>(null);

/** Retries a failed read once unless the API refused it (a 4xx answer will not change by asking again). */
export function shouldRetry(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 1;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, refetchOnWindowFocus: false, staleTime: 5_000 },
      mutations: { retry: false },
    },
  });
}

export function ApiProvider(props: { api: Api; children: ReactNode }) {
  const [client] = useState(createQueryClient);
  return (
    <ApiContext.Provider value={props.api}>
      <QueryClientProvider client={client}>{props.children}</QueryClientProvider>
    </ApiContext.Provider>
  );
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi outside an ApiProvider");
  return api;
}
