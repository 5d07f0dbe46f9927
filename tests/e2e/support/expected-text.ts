// How the app writes amounts and volumes in Japanese, written here independently of its own formatting code.

export const yen = (amount: number) => `${amount.toLocaleString('en-US')}円`;

export const m3 = (usage: number) => `${usage.toFixed(1)} m³`;

export const month = (period: string) => `${Number(period.slice(0, 4))}年${Number(period.slice(5, 7))}月`;

/** A label and its value, side by side in a list (whatever whitespace the markup puts between). */
export const pair = (label: string, value: string) => new RegExp(`${label}\\s*${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
