import { cifValid, dniLetter } from "./checksums.js";
import type { PiiDetector } from "./pii-detector.js";

/**
 * Spanish identity numbers: DNI/NIF (`12345678Z`, `12.345.678-Z`), NIE
 * (`X1234567L`, `Y-1234567-X`), the older K/L/M NIFs and company CIFs
 * (`B12345674`).
 *
 * DNI and NIE are masked by shape, whether or not the control letter is
 * right: a customer who mistypes a digit has still given their identity
 * number, and nothing else a customer writes is eight digits and a letter.
 * The control letter is checked only where the shape alone is weak: after a
 * space with a lower-case letter (`12345678 y` is a number and a word), for
 * a seven-digit DNI, and for K/L/M NIFs and CIFs, whose letter-digits-letter
 * shape is also that of product and order codes. A CIF with a wrong control
 * is still masked when a word like "CIF" introduces it (see
 * `introducedIdNumbers`).
 */
export const spanishIds: PiiDetector = {
  kind: "id_number",
  pattern:
    /(?<![\p{L}\p{N}.-])(?:(?:\d{7,8}|\d{1,2}\.\d{3}\.\d{3})[ -]?[A-Z]|[A-Z][ -]?\d{7}[ -]?[A-Z0-9])(?![\p{L}\p{N}]|[.-]\d)/giu,
  accept: (candidate) => {
    const compact = candidate.replace(/[ .-]/g, "").toUpperCase();
    const control = compact.slice(-1);
    const spaced = /\s[a-z]$/.test(candidate);
    if (/^\d/.test(compact)) {
      const number = compact.slice(0, -1);
      return number.length === 8 && !spaced ? true : dniLetter(number) === control;
    }
    const [first, digits] = [compact[0] as string, compact.slice(1, 8)];
    if ("XYZ".includes(first))
      return /^[A-Z]$/.test(control) && (!spaced || nieLetter(first, digits) === control);
    if ("KLM".includes(first)) return dniLetter(digits) === control;
    return cifValid(compact);
  },
};

function nieLetter(prefix: string, digits: string): string {
  return dniLetter(String("XYZ".indexOf(prefix)) + digits);
}
