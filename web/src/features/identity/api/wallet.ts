// POST /api/v1/auth/ton-proof/payload, POST /api/v1/auth/ton-proof, DELETE /api/v1/me/wallet.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import type { Api } from "@/lib/api-client";
import { useApi } from "@/lib/api-context";
import { conforms, type ApiAnswer, type ApiBody } from "@/lib/openapi";
import { queryKeys } from "@/lib/query-keys";
import { userSchema } from "@/lib/schemas";
import type { LinkBody } from "../lib/ton-proof";

export const proofPayloadSchema = z.object({ payload: z.string().min(1), expires_at: z.number().int() });
export type ProofPayload = z.output<typeof proofPayloadSchema>;
conforms<ProofPayload, ApiAnswer<"createTonProofPayload">>(true);

export const linkedWalletSchema = z.object({
  wallet: z.object({ address: z.string(), friendly_address: z.string(), network: z.enum(["-239", "-3"]) }),
  user: userSchema,
});
export type LinkedWallet = z.output<typeof linkedWalletSchema>;
conforms<LinkedWallet, ApiAnswer<"linkTonWallet">>(true);
// The body the page builds is the one the document describes.
conforms<LinkBody, ApiBody<"linkTonWallet">>(true);

export function getTonProofPayload(api: Api): Promise<ProofPayload> {
  return api.request(proofPayloadSchema, "/api/v1/auth/ton-proof/payload", { method: "POST" });
}

export function linkWallet(api: Api, body: LinkBody): Promise<LinkedWallet> {
  return api.request(linkedWalletSchema, "/api/v1/auth/ton-proof", { method: "POST", body });
}

export function unlinkWallet(api: Api) {
  return api.request(userSchema, "/api/v1/me/wallet", { method: "DELETE" });
}

export function useLinkWallet() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: LinkBody) => linkWallet(api, body),
    onSuccess: (linked) => {
      client.setQueryData(queryKeys.me, linked.user);
      // Tickets show their NFT's state, which a newly linked wallet changes.
      void client.invalidateQueries({ queryKey: queryKeys.myTickets });
    },
  });
}

export function useUnlinkWallet() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unlinkWallet(api),
    onSuccess: (user) => client.setQueryData(queryKeys.me, user),
  });
}
