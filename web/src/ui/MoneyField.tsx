import type { InputHTMLAttributes } from "react";

import { currencyDigits } from "../lib/money";
import { TextField } from "./kit";

/** An amount typed as text ("12,50", "1 200") in the account's currency: never a number input. */
export function MoneyField({
  label,
  currency,
  error,
  hint,
  className,
  ...rest
}: {
  label: string;
  currency: string;
  error?: string | null | undefined;
  hint?: string;
  className?: string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "type">) {
  const placeholder = currencyDigits(currency) ? "0.00" : "0";
  return (
    <TextField
      label={`${label} (${currency})`}
      inputMode="decimal"
      autoComplete="off"
      placeholder={placeholder}
      error={error}
      hint={hint}
      className={`money-field${className ? ` ${className}` : ""}`}
      {...rest}
    />
  );
}
