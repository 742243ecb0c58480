import { ibanChecksum } from "./checksums.js";
import type { PiiDetector } from "./pii-detector.js";

/**
 * IBAN lengths by country (SWIFT IBAN registry), for an IBAN that fails its
 * checksum: "ES" and 22 more digits is still someone's account with a typo.
 */
const ibanLength = new Map(
  (
    "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 " +
    "EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 " +
    "KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 " +
    "PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20"
  )
    .split(" ")
    .map((entry) => [entry.slice(0, 2), Number(entry.slice(2))] as const),
);

/**
 * IBANs of any country, in any case, compact or in groups split by spaces or
 * dashes. Masked when the mod-97 checksum holds, or when the country and
 * length are right (a mistyped IBAN): a code that merely starts with two
 * letters and two digits is left alone.
 */
export const ibanNumbers: PiiDetector = {
  kind: "iban",
  pattern:
    /(?<![\p{L}\p{N}])[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?(?![\p{L}\p{N}])/giu,
  accept: (candidate) => {
    const iban = candidate.replace(/[ -]/g, "").toUpperCase();
    return ibanChecksum(iban) || ibanLength.get(iban.slice(0, 2)) === iban.length;
  },
};
