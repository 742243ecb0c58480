import { describe, expect, it } from "vitest";
import { customerAnswerText } from "./customer-answer-text.js";

describe("customerAnswerText", () => {
  it("drops retrieval mode's source line and every citation marker", () => {
    const stored =
      "Según nuestros documentos:\nAbrimos de 8:00 a 14:30 los domingos.\n\nFuente: horarios-y-festivos.md (Horarios > Domingos) [S1]";
    expect(customerAnswerText(stored, ["horarios-y-festivos.md"])).toBe(
      "Según nuestros documentos:\nAbrimos de 8:00 a 14:30 los domingos.",
    );
  });

  it("keeps the answer's own sentences that cite a passage, without the marker", () => {
    const stored = "Horario: de 8 a 14 [S1]. Los sábados también [S1, S2].\nEnvío: 3,50 € [S2][S3]";
    expect(customerAnswerText(stored, ["horarios.md"])).toBe(
      "Horario: de 8 a 14. Los sábados también.\nEnvío: 3,50 €",
    );
  });

  it("keeps text that merely looks like a marker, and answers with no citations", () => {
    expect(customerAnswerText("Pide la referencia [SKU-12].", [])).toBe("Pide la referencia [SKU-12].");
    expect(customerAnswerText("¡Hola!", [])).toBe("¡Hola!");
  });
});
