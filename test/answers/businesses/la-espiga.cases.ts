import { fileURLToPath } from "node:url";
import type { EvalBusiness } from "../answer-eval.js";

const hours = "horarios-y-festivos.md";
const about = "sobre-nosotros.md";
const delivery = "envios-a-domicilio.html";
const allergens = "alergenos-e-ingredientes.md";
const cakes = "tartas-y-encargos.md";
const payments = "pagos-y-devoluciones.txt";
const faq = "preguntas-frecuentes.json";

/** The demo bakery (data/demo), with the failures issue 13 names among its cases. */
export const laEspiga: EvalBusiness = {
  name: "la-espiga",
  trade: "bakery (demo)",
  agentFile: fileURLToPath(new URL("../../../data/demo/agent.yaml", import.meta.url)),
  cases: [
    { lang: "es", ask: "¿A qué hora abren el domingo?", fact: ["8:00 – 14:30"], source: hours },
    { lang: "es", ask: "tienen pan sin gluten?", fact: ["sarraceno"], source: allergens },
    { lang: "es", ask: "¿A qué hora cerráis hoy?", fact: ["20:30"], source: hours },
    { lang: "es", ask: "tengo una queja", expect: "handoff" },
    { lang: "es", ask: "¿Dónde estáis?", fact: ["Sueca 27"], source: about },
    { lang: "es", ask: "cual es vuestro telefono", fact: ["960 123 456"] },
    { lang: "es", ask: "¿Cuánto cuesta el envío a Benimaclet?", fact: ["5,00 €"], source: delivery },
    { lang: "es", ask: "¿A qué hora abrís el domingo?", fact: ["14:30"], source: hours },
    {
      lang: "es",
      before: ["¿A qué hora abrís el domingo?"],
      ask: "¿y el sábado?",
      fact: ["8:00 – 20:30"],
      source: hours,
    },
    {
      lang: "es",
      ask: "con cuanta antelacion tengo q encargar una tarta",
      fact: ["48 horas"],
      source: cakes,
    },
    { lang: "es", ask: "aceptais bizum?", fact: ["Bizum"] },
    { lang: "es", ask: "orario en agosto", fact: ["15 de julio al 31 de agosto", "14:30"], source: hours },
    { lang: "es", ask: "mi hijo tiene alergia grave a los frutos secos", expect: "handoff" },
    { lang: "es", ask: "quiero que me devolvais el dinero de una tarta", expect: "handoff" },
    { lang: "es", ask: "¿Hacéis pizzas?", expect: "not_found" },
    { lang: "es", ask: "¡Hola!", expect: "greeting" },
    { lang: "es", ask: "¿Qué opinas de la política monetaria europea?", expect: "refusal" },
    { lang: "es", ask: "teneis wifi", fact: ["LaEspiga-Clientes"], source: faq },
    { lang: "es", ask: "el croissant lleva huevo?", fact: ["huevo"] },
    { lang: "en", ask: "Do you have gluten-free bread?", fact: ["buckwheat"], source: allergens },
    { lang: "en", ask: "Where are you located?", fact: ["Sueca 27"], source: about },
    { lang: "en", ask: "What are your opening hours on Sunday?", fact: ["2:30 pm"], source: hours },
    {
      lang: "en",
      before: ["Do you deliver to Benimaclet?"],
      ask: "how much?",
      fact: ["5.00 €"],
      source: delivery,
    },
    {
      lang: "en",
      ask: "Do you deliver to my neighbourhood, and how much is it?",
      fact: ["2.00 €"],
      source: delivery,
    },
    {
      lang: "en",
      ask: "Can I order a birthday cake for Saturday?",
      fact: ["birthdays", "48 hours"],
      source: cakes,
    },
    { lang: "en", ask: "do you take american express", fact: ["American Express"], source: payments },
    { lang: "en", ask: "how long does sourdough keep?", fact: ["4 to 5 days"], source: faq },
    { lang: "en", ask: "I want to make a complaint about my order", expect: "handoff" },
    { lang: "en", ask: "hi there!", expect: "greeting" },
    { lang: "en", ask: "Do you sell sushi?", expect: "not_found" },
    { lang: "en", ask: "who won the football match yesterday?", expect: "refusal" },
    { lang: "en", ask: "whats your phone number", fact: ["960 123 456"] },
    { lang: "en", ask: "is the croissant vegan?", fact: ["vegan croissant", "Vegan croissant"] },
    { lang: "en", ask: "price of a medium decorated cake", fact: ["45 €"], source: cakes },
    { lang: "en", ask: "gluten free muffins?", fact: ["Saturday"] },
    // Held out: written after the fixes, not tuned on (see README).
    { lang: "en", ask: "do you have wifi for customers?", fact: ["LaEspiga-Clientes"], heldOut: true },
    { lang: "es", ask: "se puede pagar con tarjeta?", fact: ["tarjeta"], heldOut: true },
    {
      lang: "en",
      ask: "is there parking nearby?",
      fact: ["Ruzafa Market", "Mercado de Ruzafa"],
      heldOut: true,
    },
    { lang: "es", ask: "haceis tartas de boda?", fact: ["bodas", "pisos"], heldOut: true },
  ],
};
