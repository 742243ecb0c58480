/**
 * Check digits of the numbers the detectors look for. Each takes the bare
 * characters (no separators) and runs in time linear in their length.
 */

/**
 * Payment cards (ISO/IEC 7812): the Luhn sum of 13 to 19 digits is a
 * multiple of 10. Reads text[start, end), skipping what is not a digit
 * (separators), so a caller need not build the bare number.
 */
export function luhn(text: string, start = 0, end = text.length): boolean {
  let sum = 0;
  let count = 0;
  for (let i = end - 1; i >= start; i--) {
    let d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) continue;
    if (count % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    count++;
  }
  return count >= 13 && count <= 19 && sum % 10 === 0;
}

/** IBAN (ISO 13616): the first four characters moved to the end, letters to numbers (A=10), mod 97 is 1. */
export function ibanChecksum(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= "A" && char <= "Z" ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

const dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE";

/** The control letter of a DNI number (NIE: X=0, Y=1, Z=2 in front), upper case. */
export function dniLetter(number: string): string {
  return dniLetters[Number(number) % 23] as string;
}

/**
 * Whether a CIF (a company's tax id: letter, 7 digits, control) is valid: the
 * control is a digit or a letter (J=0, A=1 … I=9) computed from the digits.
 */
export function cifValid(cif: string): boolean {
  const match = /^([ABCDEFGHJNPQRSUVW])(\d{7})([0-9A-J])$/.exec(cif);
  if (!match) return false;
  const [, kind, digits, control] = match as unknown as [string, string, string, string];
  let sum = 0;
  for (let i = 0; i < 7; i++) {
    const d = Number(digits[i]);
    if (i % 2 === 1) sum += d;
    else sum += Math.floor((d * 2) / 10) + ((d * 2) % 10);
  }
  const check = (10 - (sum % 10)) % 10;
  const letter = "JABCDEFGHI"[check] as string;
  if ("KPQSNW".includes(kind)) return control === letter;
  if ("ABEH".includes(kind)) return control === String(check);
  return control === letter || control === String(check);
}

/**
 * Whether a Spanish social security number (NUSS: province 2, number 8,
 * control 2) is valid: the control is (province and number) mod 97, the
 * number read without its leading zero when it is below 10,000,000.
 */
export function nussValid(nuss: string): boolean {
  if (!/^\d{12}$/.test(nuss)) return false;
  const province = Number(nuss.slice(0, 2));
  const number = Number(nuss.slice(2, 10));
  const base = number < 10_000_000 ? province * 10_000_000 + number : province * 100_000_000 + number;
  return base % 97 === Number(nuss.slice(10));
}
