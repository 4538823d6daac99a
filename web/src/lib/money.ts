/**
 * Money in the browser: decimal strings at the edges (what the API speaks), bigint minor units
 * for arithmetic, Intl.NumberFormat for display. No floats touch an amount: Intl formats the
 * decimal string itself (Intl.NumberFormat v3 takes strings as exact decimals).
 */

export interface MoneyValue {
  amount: string;
  currency: string;
}

const digitsCache = new Map<string, number>();

/** Minor-unit digits of a currency (EUR 2, JPY 0, KWD 3), as the platform's ISO 4217 data says. */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsCache.set(currency, digits);
  }
  return digits;
}

export type ParseResult = { ok: true; amount: string } | { ok: false; message: string };

const AMOUNT = /^(?<sign>[-+]?)(?<whole>\d+)?(?:[.,](?<frac>\d*))?$/;

/**
 * What a person typed ("12,5", "1 234.56", "€ 12.50", "-3") to the API's decimal string
 * ("12.50"). Group separators (space, apostrophe, or a "," / "." followed by exactly three digits
 * and another separator) are dropped; the last "." or "," is the decimal mark.
 */
export function parseAmount(
  text: string,
  currency: string,
  options: { allowNegative?: boolean; allowZero?: boolean } = {},
): ParseResult {
  const digits = currencyDigits(currency);
  let cleaned = text.trim().replace(/[\s\u00a0\u202f']/g, "");
  // A currency symbol or the currency's own code on either side ("€12", "12 EUR", "-$3").
  cleaned = cleaned
    .replace(new RegExp(`^([-+]?)(?:\\p{Sc}|${currency})`, "iu"), "$1")
    .replace(new RegExp(`(?:\\p{Sc}|${currency})$`, "iu"), "");
  if (cleaned === "") return { ok: false, message: "Enter an amount." };
  // "1.234,56" / "1,234.56": every mark but the last is a group separator.
  const marks = [...cleaned.matchAll(/[.,]/g)];
  if (marks.length > 1) {
    const last = marks[marks.length - 1]!.index;
    const head = cleaned.slice(0, last).replace(/[.,]/g, "");
    cleaned = head + "." + cleaned.slice(last + 1);
  } else if (marks.length === 1 && /^[-+]?\d{1,3},\d{3}$/.test(cleaned) && digits < 3) {
    // "1,234" with a 2-digit currency is a thousands group, not 1.234 ("1.234" stays a
    // decimal and is refused for having too many decimals: never guess a factor of 1000).
    cleaned = cleaned.replace(",", "");
  }
  const match = AMOUNT.exec(cleaned);
  if (!match?.groups || (match.groups.whole === undefined && !match.groups.frac)) {
    return { ok: false, message: "Enter an amount like 12.50." };
  }
  const sign = match.groups.sign === "-" ? "-" : "";
  const whole = (match.groups.whole ?? "0").replace(/^0+(?=\d)/, "");
  const frac = (match.groups.frac ?? "").replace(/0+$/, "");
  if (frac.length > digits) {
    return {
      ok: false,
      message: digits === 0 ? `${currency} has no decimals.` : `At most ${digits} decimals.`,
    };
  }
  if (whole.length > 13) return { ok: false, message: "That amount is too large." };
  const amount = digits ? `${whole}.${frac.padEnd(digits, "0")}` : whole;
  const minor = toMinor(amount, currency);
  if (sign && !options.allowNegative) return { ok: false, message: "Enter a positive amount." };
  if (minor === 0n && !options.allowZero) return { ok: false, message: "Enter an amount above zero." };
  return { ok: true, amount: minor === 0n ? amount : sign + amount };
}

/** A decimal string to bigint minor units ("12.5" EUR → 1250n). */
export function toMinor(amount: string, currency: string): bigint {
  const digits = currencyDigits(currency);
  const negative = amount.startsWith("-");
  const [whole = "0", frac = ""] = amount.replace(/^[-+]/, "").split(".");
  const minor = BigInt((whole || "0") + frac.padEnd(digits, "0").slice(0, digits));
  return negative ? -minor : minor;
}

/** Bigint minor units back to the API's decimal string (1250n EUR → "12.50"). */
export function fromMinor(minor: bigint, currency: string): string {
  const digits = currencyDigits(currency);
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
  const body = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return negative ? `-${body}` : body;
}

export function addAmounts(currency: string, ...amounts: string[]): string {
  return fromMinor(
    amounts.reduce((sum, a) => sum + toMinor(a, currency), 0n),
    currency,
  );
}

export function compareAmounts(a: string, b: string, currency: string): number {
  const d = toMinor(a, currency) - toMinor(b, currency);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

export function isNegative(amount: string): boolean {
  return amount.trim().startsWith("-") && /[1-9]/.test(amount);
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, locale?: string, signDisplay?: "always" | "auto") {
  const key = `${locale ?? ""}|${currency}|${signDisplay ?? "auto"}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      currencyDisplay: "narrowSymbol",
      signDisplay: signDisplay ?? "auto",
    });
    formatters.set(key, f);
  }
  return f;
}

/** "1234.50" EUR → "€1,234.50" (in the browser's locale). Exact for any decimal string. */
export function formatMoney(
  money: MoneyValue,
  options: { locale?: string; signed?: boolean } = {},
): string {
  // Intl.NumberFormat v3 formats a decimal string without passing through a float.
  const value = money.amount as unknown as number;
  return formatter(money.currency, options.locale, options.signed ? "always" : "auto").format(value);
}

/** A whole-number percentage of part in whole, computed on minor units (0–100, clamped). */
export function percentOf(part: string, whole: string, currency: string): number {
  const w = toMinor(whole, currency);
  if (w <= 0n) return 0;
  const p = toMinor(part, currency);
  if (p <= 0n) return 0;
  const pct = (p * 100n) / w;
  return Number(pct > 100n ? 100n : pct);
}
