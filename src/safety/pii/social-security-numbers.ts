import { nussValid } from "./checksums.js";
import type { PiiDetector } from "./pii-detector.js";

/**
 * Social security numbers written in their own shape: the Spanish NUSS
 * (`28/12345678/90`, `28 12345678 90`, or 12 bare digits whose mod-97
 * control holds) and the US SSN (`123-45-6789`, `123 45 6789`, never issued
 * with area 000, 666 or 9xx, group 00 or serial 0000). A bare nine-digit
 * SSN has no shape of its own; it is masked when introduced ("SSN",
 * "social security number": see `introducedSocialSecurityNumbers`).
 */
export const socialSecurityNumbers: PiiDetector = {
  kind: "social_security",
  pattern:
    /(?<![\p{L}\p{N}/.-])(?:\d{2}([ /-]?)\d{8}\1\d{2}|\d{3}([ -])\d{2}\2\d{4})(?![\p{L}\p{N}]|[/.-]\d)/gu,
  accept: (candidate) => {
    const digits = candidate.replace(/\D/g, "");
    if (digits.length === 12) return digits.length !== candidate.length || nussValid(digits);
    return !/^(?:000|666|9)/.test(digits) && digits.slice(3, 5) !== "00" && digits.slice(5) !== "0000";
  },
};
