/** ISO 4217 currencies (from the `currency-codes` package): is a code known, and its minor unit. */
import currencyCodes from 'currency-codes';

/** The number of minor-unit digits of an ISO 4217 code (EUR 2, JPY 0), or undefined if unknown. */
export function minorDigits(code: string): number | undefined {
  if (!/^[A-Z]{3}$/.test(code)) return undefined;
  const rec = currencyCodes.code(code);
  return rec && rec.code === code ? rec.digits : undefined;
}

/** Every known ISO 4217 code (for "did you mean"). */
export function currencyList(): string[] {
  return currencyCodes.codes();
}
