import { describe, expect, it } from "vitest";
import { redactPii } from "./redact-pii.js";

describe("redactPii", () => {
  it.each([
    ["escríbeme a ana.garcia+pan@example.es", "escríbeme a [email]"],
    ["IBAN ES91 2100 0418 4502 0005 1332, gracias", "IBAN [iban], gracias"],
    ["mi cuenta es es91 2100 0418 4502 0005 1332", "mi cuenta es [iban]"],
    ["ES91-2100-0418-4502-0005-1332", "[iban]"],
    ["tarjeta 4111 1111 1111 1111", "tarjeta [card]"],
    ["tarjeta 4111.1111.1111.1111", "tarjeta [card]"],
    ["tarjeta 4111  1111  1111  1111", "tarjeta [card]"],
    ["llámame al +34 600 000 000", "llámame al [phone]"],
    ["mi móvil: 600000000", "mi móvil: [phone]"],
    ["fijo 912-345-678", "fijo [phone]"],
  ])("masks %s", (input, expected) => {
    expect(redactPii(input).text).toBe(expected);
  });

  it.each([
    "mi pedido 123456789 no ha llegado",
    "order #123456789",
    "el pedido LE-1001 está listo",
    "ES00 1234 5678 9012 3456 7890", // fails the IBAN checksum
    "4111 1111 1111 1112", // fails the card checksum
    "abro a las 8:00 y cierro a las 20:00",
  ])("leaves %s alone", (input) => {
    const { text, found } = redactPii(input);
    expect(found.iban ?? 0).toBe(0);
    expect(found.card ?? 0).toBe(0);
    if (/pedido|order/.test(input)) expect(text).toBe(input);
  });

  it("counts what it masked", () => {
    expect(redactPii("a@b.co y c@d.co, +34 600 000 000").found).toEqual({ email: 2, phone: 1 });
  });
});
