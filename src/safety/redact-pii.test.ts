import { describe, expect, it } from "vitest";
import { cifValid, dniLetter, ibanChecksum, luhn, nussValid } from "./pii/checksums.js";
import { redactPii } from "./redact-pii.js";

// The full table of real formats and near misses is the security suite's: test/security/pii-masking.test.ts.
describe("redactPii", () => {
  it.each([
    ["escríbeme a ana.garcia+pan@example.es", "escríbeme a [email]"],
    ["IBAN ES91 2100 0418 4502 0005 1332, gracias", "IBAN [iban], gracias"],
    ["mi cuenta es es91 2100 0418 4502 0005 1332", "mi cuenta es [iban]"],
    ["tarjeta 4111 1111 1111 1111", "tarjeta [card]"],
    ["llámame al +34 600 000 000", "llámame al [phone]"],
    ["mi móvil: 600000000", "mi móvil: [phone]"],
    ["fijo 912-345-678", "fijo [phone]"],
    ["mi teléfono 612345678", "mi teléfono [phone]"],
    ["DNI 12345678Z", "DNI [id_number]"],
    ["NIE X1234567L", "NIE [id_number]"],
    ["SSN 123-45-6789", "SSN [social_security]"],
    ["envíalo a Calle Mayor 12, 3ºB, por favor", "envíalo a [address], por favor"],
  ])("masks %s", (input, expected) => {
    expect(redactPii(input).text).toBe(expected);
  });

  it.each([
    "mi pedido 123456789 no ha llegado",
    "order #123456789",
    "el pedido LE-1001 está listo",
    "4111 1111 1111 111", // 15 digits failing Luhn, not in fours
    "abro a las 8:00 y cierro a las 20:00",
    "12,50 € el kilo, 2 kg",
  ])("leaves %s alone", (input) => {
    expect(redactPii(input)).toEqual({ text: input, found: {} });
  });

  it("counts what it masked, by kind", () => {
    expect(redactPii("a@b.co y c@d.co, +34 600 000 000, 12345678Z").found).toEqual({
      email: 2,
      phone: 1,
      id_number: 1,
    });
  });

  it("masks each phone in a run of numbers, and only them", () => {
    expect(redactPii("612345678 912345678").text).toBe("[phone] [phone]");
    expect(redactPii("cp 28013 612345678").text).toBe("cp 28013 [phone]");
    expect(redactPii("06.12.26 612 345 678").text).toBe("06.12.26 [phone]");
  });

  it("masks a card glued to other numbers", () => {
    expect(redactPii("12 4111 1111 1111 1111").text).toBe("12 [card]");
  });

  it("masks a number that a word introduces, keeping the word", () => {
    expect(redactPii("pasaporte: PAA123456.").text).toBe("pasaporte: [id_number].");
  });
});

describe("checksums", () => {
  it("Luhn, skipping separators", () => {
    expect(luhn("4111 1111 1111 1111")).toBe(true);
    expect(luhn("4111 1111 1111 1112")).toBe(false);
    expect(luhn("411111111111")).toBe(false); // 12 digits: too short for a card
  });

  it("IBAN mod 97", () => {
    expect(ibanChecksum("ES9121000418450200051332")).toBe(true);
    expect(ibanChecksum("ES9121000418450200051333")).toBe(false);
  });

  it("DNI and NIE control letters", () => {
    expect(dniLetter("12345678")).toBe("Z");
    expect(dniLetter("01234567")).toBe("L"); // X1234567
  });

  it("CIF control, digit or letter by the entity's kind", () => {
    expect(cifValid("A58818501")).toBe(true);
    expect(cifValid("P2807900B")).toBe(true);
    expect(cifValid("B12345678")).toBe(false);
  });

  it("NUSS control", () => {
    expect(nussValid("281234567840")).toBe(true);
    expect(nussValid("080012345605")).toBe(false);
  });
});
