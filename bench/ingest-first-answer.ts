/**
 * Phase 2 of bench/ingest.ts: how long after an upload begins a customer
 * gets an answer from it. A fact only this document holds (a plan named by a
 * made-up word) is put in the middle of a fresh document; it is uploaded to
 * the demo agent through the upload route, then the question about it is
 * asked in retrieval mode until the answer cites the file (in retrieval mode
 * nothing is embedded: the first question after the upload's answer should
 * do). The reference, in the same round: the same words as a plain `.txt`
 * (another made-up word), uploaded and asked the same way. Formats rotate
 * and the two sides alternate round by round.
 */
import type { Document, Format } from "./ingest-documents.js";
import { ask, type Endpoint, upload } from "./ingest-http.js";

export interface FirstAnswerSample {
  format: Format;
  side: "ours" | "txt";
  round: number;
  bytes: number;
  uploadMs: number;
  /** From the upload's answer to the first answer citing the file. */
  answerMs: number;
  /** From sending the upload to the first answer citing the file. */
  totalMs: number;
  /** Questions asked until one was answered from the file. */
  tries: number;
}

const maxTries = 20;

/** A made-up word no document has: consonant-vowel syllables picked by `n`. */
export function madeUpWord(n: number): string {
  const consonants = "bdfglmnprstvz";
  const vowels = "aeiou";
  let word = "";
  for (let i = 0, x = n * 7919 + 104729; i < 4; i++, x = Math.floor(x / 65)) {
    word += consonants[x % 13]! + vowels[Math.floor(x / 13) % 5]!;
  }
  return word;
}

export async function measureFirstAnswers(
  endpoint: Endpoint,
  agent: string,
  make: (format: Format, seed: number, fact: string) => Document,
  formats: readonly Format[],
  rounds: number,
  log: (message: string) => void,
): Promise<FirstAnswerSample[]> {
  const samples: FirstAnswerSample[] = [];
  let n = 0;
  const one = async (format: Format, side: "ours" | "txt", round: number) => {
    const word = madeUpWord(n++);
    const fact = `El plan ${word} incluye una hogaza de masa madre cada martes y un café con leche los sábados, por 19 euros al mes.`;
    const doc = make(format, 1000 + n, fact);
    const dot = doc.name.lastIndexOf(".");
    const file =
      side === "ours"
        ? { name: `${doc.name.slice(0, dot)}-${word}${doc.name.slice(dot)}`, bytes: doc.bytes }
        : { name: `${doc.name.slice(0, dot)}-${word}.txt`, bytes: Buffer.from(doc.text) };
    const started = performance.now();
    const uploaded = await upload(endpoint, agent, file);
    const afterUpload = performance.now();
    for (let tries = 1; tries <= maxTries; tries++) {
      const answer = await ask(endpoint, agent, `first-${word}-${tries}`, `¿Qué incluye el plan ${word}?`);
      if (answer.cited.includes(file.name)) {
        const now = performance.now();
        samples.push({
          format,
          side,
          round,
          bytes: file.bytes.length,
          uploadMs: uploaded.ms,
          answerMs: now - afterUpload,
          totalMs: now - started,
          tries,
        });
        return;
      }
    }
    throw new Error(`no answer cited ${file.name} after ${maxTries} questions about the plan ${word}`);
  };
  for (let round = 0; round < rounds; round++) {
    for (const [i] of formats.entries()) {
      const format = formats[(i + round) % formats.length]!;
      for (const side of round % 2 === 0 ? (["ours", "txt"] as const) : (["txt", "ours"] as const)) {
        await one(format, side, round);
      }
    }
    log(`first answer: round ${round + 1}/${rounds} done`);
  }
  return samples;
}
