/**
 * What a visitor would ask the demo bakery first, in both languages, with a
 * typo or two, and what the answer must say: `alambique demo` prints these
 * answers, and sample-questions.test.ts checks them (issue 13 found the
 * gluten-free question answered with the FAQ about sugar).
 */
export const SAMPLE_QUESTIONS: readonly { question: string; mustSay: string }[] = [
  { question: "¿A qué hora abren el domingo?", mustSay: "8:00 – 14:30" },
  { question: "tienen pan sin gluten?", mustSay: "trigo sarraceno" },
  { question: "Do you have gluten-free bread?", mustSay: "buckwheat" },
  { question: "Where are you located?", mustSay: "Calle de Sueca 27" },
  { question: "Do you deliver to my neighbourhood, and how much is it?", mustSay: "2.00 €" },
  { question: "Can I order a birthday cake for Saturday?", mustSay: "birthdays" },
];
