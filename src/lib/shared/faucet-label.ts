/** The longest name a customer may give a faucet (自宅, 店舗 …). */
export const FAUCET_LABEL_MAX = 20;

/**
 * A faucet's name as it is stored, on the device and on the server alike: trimmed, null for
 * none. Undefined when it is too long.
 */
export function faucetLabel(text: string | null): string | null | undefined {
  const label = (text ?? '').trim();
  if (label.length > FAUCET_LABEL_MAX) return undefined;
  return label || null;
}
