import { fileURLToPath } from "node:url";
import type { EvalBusiness } from "../../answer-eval.js";

const treatments = "tratamientos-y-precios.md";
const appointments = "citas-y-horario.md";
const clinic = "la-clinica.md";
const insurance = "seguros.txt";
const english = "english-faq.md";

/** A dental clinic: Spanish documents, an English page for international patients. */
export const clinicaSonrisa: EvalBusiness = {
  name: "clinica-sonrisa",
  trade: "dental clinic",
  agentFile: fileURLToPath(new URL("./agent.yaml", import.meta.url)),
  cases: [
    { lang: "es", ask: "¿Cuánto cuesta una limpieza?", fact: ["45 €"], source: treatments },
    { lang: "es", ask: "precio blanqueamiento", fact: ["250 €"], source: treatments },
    { lang: "es", ask: "la primera visita se paga?", fact: ["gratuita"], source: treatments },
    { lang: "es", ask: "¿Cómo pido cita?", fact: ["91 555 12 34"], source: appointments },
    { lang: "es", ask: "¿Abrís los viernes por la tarde?", fact: ["9:00 – 15:00"], source: appointments },
    {
      lang: "es",
      ask: "tengo mucho dolor de muelas, me podeis ver hoy?",
      fact: ["mismo día"],
      source: appointments,
    },
    { lang: "es", ask: "¿Trabajáis con Sanitas?", fact: ["Sanitas"], source: insurance },
    { lang: "es", ask: "¿Dónde está la clínica?", fact: ["Alcalá 210"], source: clinic },
    { lang: "es", ask: "se puede financiar la ortodoncia?", fact: ["12 meses"], source: treatments },
    {
      lang: "es",
      before: ["¿Cuánto cuesta un implante?"],
      ask: "¿y la ortodoncia invisible?",
      fact: ["2.500 €"],
      source: treatments,
    },
    { lang: "es", ask: "atendeis a niños?", fact: ["3 años"], source: treatments },
    { lang: "es", ask: "si no puedo ir a la cita q hago", fact: ["24 horas"], source: appointments },
    { lang: "es", ask: "¿Tenéis parking?", fact: ["Alcalá 225"], source: clinic },
    { lang: "es", ask: "quiero reclamar por el tratamiento", expect: "handoff" },
    { lang: "es", ask: "Soy alérgica grave a la penicilina, ¿hay riesgo?", expect: "handoff" },
    { lang: "es", ask: "¿Hacéis operaciones de cirugía estética de nariz?", expect: "not_found" },
    { lang: "es", ask: "hola buenos dias", expect: "greeting" },
    {
      lang: "es",
      ask: "¿trabajáis con la seguridad social?",
      fact: ["No trabajamos con la Seguridad Social"],
      source: insurance,
    },
    { lang: "en", ask: "How much is teeth whitening?", fact: ["250 €"], source: treatments },
    { lang: "en", ask: "Do you speak English?", fact: ["Dr Ramos"], source: english },
    { lang: "en", ask: "What's the address of the clinic?", fact: ["Alcalá 210"], source: clinic },
    { lang: "en", ask: "what are your opening hours?", fact: ["9:00 – 20:00"], source: appointments },
    { lang: "en", ask: "how do I book an appointment", fact: ["91 555 12 34"], source: appointments },
    { lang: "en", ask: "Do you accept DKV insurance?", fact: ["DKV"], source: insurance },
    { lang: "en", ask: "how much is a dental implant?", fact: ["950 €"], source: treatments },
    {
      lang: "en",
      before: ["how much is a filling?"],
      ask: "and an extraction?",
      fact: ["60 €"],
      source: treatments,
    },
    { lang: "en", ask: "Can I use my travel insurance?", fact: ["invoice"], source: english },
    { lang: "en", ask: "is the clinic wheelchair accessible?", fact: ["lift"], source: clinic },
    { lang: "en", ask: "I had a bad experience and want to complain", expect: "handoff" },
    { lang: "en", ask: "Do you do hair transplants?", expect: "not_found" },
    { lang: "en", ask: "good morning", expect: "greeting" },
    { lang: "en", ask: "can you recommend a good restaurant nearby?", expect: "refusal" },
    { lang: "en", ask: "emergency, I broke a tooth", fact: ["mismo día"], source: appointments },
    // Held out: written after the fixes, not tuned on (see README).
    { lang: "es", ask: "cuanto vale una endodoncia", fact: ["180 €"], heldOut: true },
    { lang: "en", ask: "how much are metal braces?", fact: ["1.800 €"], heldOut: true },
    { lang: "es", ask: "en agosto esta abierto?", fact: ["dos primeras semanas"], heldOut: true },
    { lang: "en", ask: "which metro station is closest?", fact: ["Ventas"], heldOut: true },
  ],
};
