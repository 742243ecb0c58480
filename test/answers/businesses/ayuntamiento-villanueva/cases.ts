import { fileURLToPath } from "node:url";
import type { EvalBusiness } from "../../answer-eval.js";

const census = "empadronamiento.md";
const office = "horario-y-contacto.md";
const taxes = "impuestos-y-multas.md";
const waste = "residuos.md";
const residents = "foreign-residents.md";

/** A town hall's citizen desk: Spanish documents, one English page for foreign residents. */
export const ayuntamientoVillanueva: EvalBusiness = {
  name: "ayuntamiento-villanueva",
  trade: "town hall citizen desk",
  agentFile: fileURLToPath(new URL("./agent.yaml", import.meta.url)),
  cases: [
    { lang: "es", ask: "¿Qué necesito para empadronarme?", fact: ["contrato de alquiler"], source: census },
    { lang: "es", ask: "certificado de empadronamiento", fact: ["sede electrónica"], source: census },
    { lang: "es", ask: "¿Cuánto cuesta empadronarse?", fact: ["gratuito"], source: census },
    { lang: "es", ask: "¿Cuál es el horario de la oficina?", fact: ["9:00 a 14:00"], source: office },
    { lang: "es", ask: "¿abris por la tarde?", fact: ["16:30 a 19:00"], source: office },
    { lang: "es", ask: "¿Dónde está el ayuntamiento?", fact: ["Plaza Mayor 1"], source: office },
    { lang: "es", ask: "telefono de atencion ciudadana", fact: ["955 00 11 22"], source: office },
    { lang: "es", ask: "¿Cuándo se paga el IBI?", fact: ["1 de junio"], source: taxes },
    {
      lang: "es",
      before: ["¿Cuándo se paga el IBI?"],
      ask: "¿y el impuesto de vehículos?",
      fact: ["1 de marzo"],
      source: taxes,
    },
    {
      lang: "es",
      ask: "me han puesto una multa, hay descuento si pago rapido?",
      fact: ["50 %"],
      source: taxes,
    },
    { lang: "es", ask: "como recurro una multa", fact: ["un mes"], source: taxes },
    { lang: "es", ask: "quiero tirar un sofa viejo", fact: ["955 00 11 40"], source: waste },
    { lang: "es", ask: "horario del punto limpio", fact: ["martes a sábado"], source: waste },
    { lang: "es", ask: "donde puedo tirar aceite usado", fact: ["punto limpio"], source: waste },
    { lang: "es", ask: "quiero poner una queja por el ruido de la feria", expect: "handoff" },
    { lang: "es", ask: "¿Cuándo son las fiestas del pueblo?", expect: "not_found" },
    { lang: "es", ask: "buenas", expect: "greeting" },
    { lang: "es", ask: "¿Quién va a ganar la liga?", expect: "refusal" },
    { lang: "en", ask: "How do I register in the padron?", fact: ["passport"], source: residents },
    { lang: "en", ask: "What are the office opening hours?", fact: ["9:00 a 14:00"], source: office },
    { lang: "en", ask: "Where is the town hall?", fact: ["Plaza Mayor 1"], source: office },
    { lang: "en", ask: "when do I have to pay the property tax (IBI)?", fact: ["1 de junio"], source: taxes },
    { lang: "en", ask: "Is there a discount if I pay a parking fine early?", fact: ["50 %"], source: taxes },
    {
      lang: "en",
      ask: "how can I get rid of an old mattress and furniture",
      fact: ["955 00 11 40"],
      source: waste,
    },
    { lang: "en", ask: "do you speak english", fact: ["interpreter"], source: residents },
    { lang: "en", ask: "phone number of the citizen desk", fact: ["955 00 11 22"], source: office },
    { lang: "en", ask: "how long is the census certificate valid?", fact: ["tres meses"], source: census },
    {
      lang: "en",
      before: ["When is the car tax due?"],
      ask: "and is there a discount for old cars?",
      fact: ["50 %"],
      source: taxes,
    },
    { lang: "en", ask: "I want to file a complaint about the street lights", expect: "handoff" },
    { lang: "en", ask: "Can I get a fishing licence here?", expect: "not_found" },
    { lang: "en", ask: "hello", expect: "greeting" },
    { lang: "en", ask: "what's the best pizza in town?", expect: "refusal" },
    // Held out: written after the fixes, not tuned on (see README).
    { lang: "es", ask: "cuando se paga el impuesto de circulacion", fact: ["1 de marzo"], heldOut: true },
    { lang: "en", ask: "where is the recycling centre?", fact: ["camino de la Estación"], heldOut: true },
    { lang: "es", ask: "que puedo llevar al punto limpio", fact: ["pilas"], heldOut: true },
    { lang: "en", ask: "is the padron certificate free?", fact: ["gratuito"], heldOut: true },
  ],
};
