import { fileURLToPath } from "node:url";
import type { EvalBusiness } from "../../answer-eval.js";

const workshop = "taller-y-precios.md";
const rental = "alquiler.md";
const contact = "contacto-y-horario.md";
const policies = "politicas.txt";
const faq = "faq.json";

/** A bike shop and workshop: Spanish documents, an English FAQ, one bilingual page. */
export const ciclosTuria: EvalBusiness = {
  name: "ciclos-turia",
  trade: "bike shop",
  agentFile: fileURLToPath(new URL("./agent.yaml", import.meta.url)),
  cases: [
    { lang: "es", ask: "¿Cuánto cuesta arreglar un pinchazo?", fact: ["8 €"], source: workshop },
    { lang: "es", ask: "cuanto cuesta una puesta a punto", fact: ["45 €"], source: workshop },
    { lang: "es", ask: "¿Reparáis bicis eléctricas?", fact: ["eléctricas"], source: workshop },
    { lang: "es", ask: "¿Dónde está la tienda?", fact: ["Avenida del Puerto 112"], source: contact },
    { lang: "es", ask: "¿abris los sabados?", fact: ["10:00 – 14:00"], source: contact },
    {
      lang: "es",
      before: ["¿A qué hora abrís el sábado?"],
      ask: "¿y el domingo?",
      fact: ["cerrado"],
      source: contact,
    },
    { lang: "es", ask: "precio alquiler bici electrica un dia", fact: ["30 €"], source: rental },
    { lang: "es", ask: "que necesito para alquilar una bici", fact: ["fianza"], source: rental },
    { lang: "es", ask: "¿Cuánto tarda una puesta a punto?", fact: ["24 a 48 horas"], source: workshop },
    { lang: "es", ask: "cuanta garantia tiene una bici nueva", fact: ["dos años"], source: policies },
    { lang: "es", ask: "¿Se puede pagar a plazos?", fact: ["12 meses"], source: policies },
    { lang: "es", ask: "telefono del taller", fact: ["961 234 567"], source: contact },
    {
      lang: "es",
      ask: "¿Arregláis patinetes eléctricos?",
      fact: ["No reparamos patinetes"],
      source: workshop,
    },
    { lang: "es", ask: "quiero poner una reclamación", expect: "handoff" },
    { lang: "es", ask: "me he caído con una bici de alquiler, he tenido un accidente", expect: "handoff" },
    { lang: "es", ask: "¿Vendéis bicis de segunda mano?", fact: ["second-hand"], source: faq },
    { lang: "es", ask: "¿Vendéis cascos de esquí?", expect: "not_found" },
    { lang: "es", ask: "buenas tardes", expect: "greeting" },
    { lang: "en", ask: "How much is it to fix a flat tyre?", fact: ["8 €"], source: workshop },
    { lang: "en", ask: "What are your opening hours?", fact: ["10:00 – 14:00"], source: contact },
    { lang: "en", ask: "Where are you located?", fact: ["Avenida del Puerto 112"], source: contact },
    {
      lang: "en",
      ask: "Do you rent electric bikes?",
      fact: ["30 €", "150 € for electric bikes"],
      source: rental,
    },
    {
      lang: "en",
      before: ["Do you rent electric bikes?"],
      ask: "and for a week?",
      fact: ["140 €"],
      source: rental,
    },
    { lang: "en", ask: "do you sell used bikes", fact: ["second-hand"], source: faq },
    { lang: "en", ask: "Can I return a jersey I haven't worn?", fact: ["30 días"], source: policies },
    { lang: "en", ask: "Is there a warranty on repairs?", fact: ["tres meses"], source: policies },
    { lang: "en", ask: "do you do bike fitting?", fact: ["25 €"], source: faq },
    { lang: "en", ask: "Are there group rides?", fact: ["Sunday"], source: faq },
    { lang: "en", ask: "I want a refund for my helmet", expect: "handoff" },
    { lang: "en", ask: "Do you sell kayaks?", expect: "not_found" },
    { lang: "en", ask: "what is the capital of france", expect: "refusal" },
    { lang: "en", ask: "whats ur phone number", fact: ["961 234 567"], source: contact },
    { lang: "en", ask: "how much does it cost to rent a kids bike?", fact: ["9 €"], source: rental },
    // Held out: written after the fixes, not tuned on (see README).
    { lang: "es", ask: "cuanto cuesta cambiar la cadena", fact: ["15 €"], heldOut: true },
    { lang: "en", ask: "how much is a wheel truing?", fact: ["15 €"], heldOut: true },
    { lang: "es", ask: "el presupuesto es gratis?", fact: ["gratis"], heldOut: true },
    { lang: "en", ask: "can you store my bike over winter?", fact: ["60 €"], heldOut: true },
  ],
};
