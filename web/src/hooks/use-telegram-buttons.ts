import { useEffect, useRef } from "react";
import { useNavigate } from "react-router-dom";
import { isInsideTelegram, showBackButton, showMainButton } from "@/lib/telegram";

/** Shows Telegram's back button on inner pages; pressing it goes back. */
export function useBackButton(visible: boolean): void {
  const navigate = useNavigate();
  useEffect(() => showBackButton(visible, () => navigate(-1)), [visible, navigate]);
}

/**
 * Puts the page's primary action on Telegram's main button (greyed out while `enabled` is false). Returns true when
 * it did, so the page draws its own button only in a plain browser.
 */
export function useMainButton(text: string, visible: boolean, onPress: () => void, enabled = true): boolean {
  const handler = useRef(onPress);
  useEffect(() => {
    handler.current = onPress;
  });
  useEffect(() => (visible ? showMainButton(text, enabled, () => handler.current()) : undefined), [text, visible, enabled]);
  return isInsideTelegram();
}
