/**
 * The axes of the synthetic-data grid: who the customer is, what they want,
 * how hard the question is, and the Evol-Instruct rewrites that make a hard
 * one harder. The descriptions go into the teacher's prompts, in English (the
 * teacher is told which language the customer writes in).
 */
export const personas = {
  first_time_visitor: "a first-time visitor who does not know the business yet and asks basic questions",
  regular: "a regular customer who knows the place, writes casually and gets to the point",
  in_a_hurry: "a customer in a hurry: very short messages, no greetings, wants the answer now",
  elderly: "an elderly customer: polite, formal, a little unsure with chat, sometimes over-explains",
  tourist: "a tourist visiting the city, unfamiliar with local names and customs",
  annoyed: "an annoyed customer who had a bad experience or is impatient, curt but not abusive",
} as const;
export type Persona = keyof typeof personas;

export const intents = {
  ask_info: "asks for general information about a product, service or the business",
  price: "asks how much something costs",
  availability: "asks whether something is available, in stock, or on which days",
  order: "wants to order or reserve something",
  order_status: "asks where an order is or when it will be ready (order numbers look like LE-1234)",
  complaint: "complains about a product, an order or the service",
  allergy: "asks about ingredients, allergens or a dietary need",
  opening_hours: "asks when the business is open, including holidays",
  delivery: "asks about delivery: areas, fees, days or times",
  small_talk: "makes small talk or asks something off-topic that the business cannot help with",
} as const;
export type Intent = keyof typeof intents;

export const difficulties = {
  easy: "a direct question with the key words of the passage",
  medium: "a question in the customer's own words, not the passage's, possibly needing two facts",
  hard: "an indirect or multi-part question that needs reasoning over the passage",
} as const;
export type Difficulty = keyof typeof difficulties;

/** Evol-Instruct operations (in-depth evolving), applied to questions of hard cells. */
export const evolveOperations = {
  add_constraints: "add one realistic constraint or condition (a date, a quantity, a dietary need, a place)",
  deepen: "make it ask about the reason, the exceptions or the consequences, not just the fact",
  concretize: "replace general words with a concrete situation of this customer",
  colloquial:
    "rewrite it as a real customer would type on a phone: colloquial, short, with a typo or two and no accents",
} as const;
export type EvolveOperation = keyof typeof evolveOperations;

export const personaNames = Object.keys(personas) as Persona[];
export const intentNames = Object.keys(intents) as Intent[];
export const difficultyNames = Object.keys(difficulties) as Difficulty[];
export const evolveOperationNames = Object.keys(evolveOperations) as EvolveOperation[];

/** How many customer messages a simulated customer of each persona sends at most. */
export const patienceByPersona: Record<Persona, number> = {
  first_time_visitor: 4,
  regular: 3,
  in_a_hurry: 2,
  elderly: 4,
  tourist: 3,
  annoyed: 2,
};
