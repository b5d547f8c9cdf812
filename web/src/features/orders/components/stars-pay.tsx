import { useState } from "react";
import { OutboundLink } from "@/components/outbound-link";
import { useMainButton } from "@/hooks/use-telegram-buttons";
import { useApi } from "@/lib/api-context";
import { useT } from "@/lib/i18n-context";
import { haptic, openInvoice, openLink } from "@/lib/telegram";
import { createStarsInvoice } from "../api/stars-invoice";
import { afterInvoice, canPay, invoiceError, stageMessage, type StarsStage } from "../lib/stars";

/**
 * "Pay with Stars" for an order priced in XTR: asks POST /api/v1/orders/{uuid}/stars-invoice for the invoice link and
 * opens it. Inside Telegram (`opener` `invoice`) the action is the main button and Telegram's invoice opens over the
 * app, reporting how it closed; elsewhere the page draws the button, says that Stars need Telegram and hands the link
 * to a Telegram app. Either way the order itself turns paid live (`onPaid` refreshes it as a backstop).
 */
export function StarsPay(props: { orderUuid: string; opener: "invoice" | "link"; onPaid: () => void }) {
  const { t } = useT();
  const api = useApi();
  const [stage, setStage] = useState<StarsStage>({ step: "idle" });
  const [link, setLink] = useState<string | null>(null);
  const offered = canPay(stage);

  const pay = () => {
    if (!offered) return;
    setStage({ step: "requesting" });
    void (async () => {
      let url: string;
      try {
        url = (await createStarsInvoice(api, props.orderUuid)).link;
      } catch (e) {
        haptic("error");
        setStage(invoiceError(e));
        return;
      }
      setLink(url);
      if (props.opener === "link") {
        openLink(url);
        setStage({ step: "opened" });
        return;
      }
      setStage({ step: "open" });
      try {
        const next = afterInvoice(await openInvoice(url));
        if (next.step === "paid" || next.step === "pending") props.onPaid();
        if (next.step === "failed") haptic("error");
        setStage(next);
      } catch (e) {
        haptic("error");
        setStage(invoiceError(e));
      }
    })();
  };

  const inside = useMainButton(t("payWithStars"), props.opener === "invoice" && (offered || stage.step === "requesting"), pay, offered);
  const onMainButton = inside && props.opener === "invoice";
  const message = stageMessage(stage);
  const problem = stage.step === "cancelled" || stage.step === "failed" || stage.step === "error";
  return (
    <div className="card" data-testid="stars-pay" data-stage={stage.step}>
      <p className="muted">{props.opener === "link" ? t("starsNeedTelegram") : t("starsHint")}</p>
      {message && (
        <p role={problem ? "alert" : "status"} aria-live={problem ? undefined : "polite"} className={problem ? "form-error" : undefined}>
          {t(message.key, message.params)}
        </p>
      )}
      {stage.step === "opened" && link && (
        <OutboundLink className="button secondary" href={link}>
          {t("starsOpenInvoice")}
        </OutboundLink>
      )}
      {!onMainButton && offered && (
        <button type="button" onClick={pay}>
          {t("payWithStars")}
        </button>
      )}
    </div>
  );
}
