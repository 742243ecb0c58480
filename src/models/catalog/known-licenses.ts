import type { Openness } from "../../spec/store.js";

/**
 * What we know about the licences open models ship under, so that the catalog
 * can say whether a teacher's outputs may train a student. This is guidance
 * for a person, not legal advice: `conditions` says what the licence asks,
 * and `alambique models add --outputs-may-train yes|no` overrides it.
 */
export interface LicenseFacts {
  id: string;
  name: string;
  url: string;
  /** How the weights are obtained under this licence. */
  weights: Openness;
  /** Whether outputs may be used to train or improve another model. */
  outputsMayTrain: boolean;
  conditions?: string;
}

const facts: LicenseFacts[] = [
  {
    id: "apache-2.0",
    name: "Apache License 2.0",
    url: "https://www.apache.org/licenses/LICENSE-2.0",
    weights: "open",
    outputsMayTrain: true,
  },
  {
    id: "mit",
    name: "MIT License",
    url: "https://opensource.org/license/mit",
    weights: "open",
    outputsMayTrain: true,
  },
  {
    id: "llama3.1",
    name: "Llama 3.1 Community License",
    url: "https://www.llama.com/llama3_1/license/",
    weights: "gated",
    outputsMayTrain: true,
    conditions:
      'a model trained on the outputs must have a name beginning with "Llama" and show "Built with Llama"; over 700M monthly users needs a licence from Meta',
  },
  {
    id: "llama3.2",
    name: "Llama 3.2 Community License",
    url: "https://www.llama.com/llama3_2/license/",
    weights: "gated",
    outputsMayTrain: true,
    conditions:
      'a model trained on the outputs must have a name beginning with "Llama" and show "Built with Llama"; over 700M monthly users needs a licence from Meta',
  },
  {
    id: "llama3.3",
    name: "Llama 3.3 Community License",
    url: "https://www.llama.com/llama3_3/license/",
    weights: "gated",
    outputsMayTrain: true,
    conditions:
      'a model trained on the outputs must have a name beginning with "Llama" and show "Built with Llama"; over 700M monthly users needs a licence from Meta',
  },
  {
    id: "llama3",
    name: "Meta Llama 3 Community License",
    url: "https://www.llama.com/llama3/license/",
    weights: "gated",
    outputsMayTrain: false,
    conditions:
      "outputs may not be used to improve any other large language model, except Llama 3 derivatives",
  },
  {
    id: "llama2",
    name: "Llama 2 Community License",
    url: "https://www.llama.com/llama2/license/",
    weights: "gated",
    outputsMayTrain: false,
    conditions:
      "outputs may not be used to improve any other large language model, except Llama 2 derivatives",
  },
  {
    id: "gemma",
    name: "Gemma Terms of Use",
    url: "https://ai.google.dev/gemma/terms",
    weights: "gated",
    outputsMayTrain: true,
    conditions:
      "a model trained on the outputs is a Gemma derivative and must be distributed under the Gemma terms",
  },
  {
    id: "qwen",
    name: "Qwen License Agreement",
    url: "https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE",
    weights: "open",
    outputsMayTrain: true,
    conditions:
      'show "Built with Qwen" for derived models; over 100M monthly users needs a licence from Alibaba Cloud',
  },
  {
    id: "deepseek",
    name: "DeepSeek License Agreement",
    url: "https://github.com/deepseek-ai/DeepSeek-V3/blob/main/LICENSE-MODEL",
    weights: "open",
    outputsMayTrain: true,
    conditions: "derived models must carry the licence's use restrictions",
  },
  {
    id: "cc-by-4.0",
    name: "Creative Commons Attribution 4.0",
    url: "https://creativecommons.org/licenses/by/4.0/",
    weights: "open",
    outputsMayTrain: true,
    conditions: "give attribution",
  },
  {
    id: "cc-by-nc-4.0",
    name: "Creative Commons Attribution-NonCommercial 4.0",
    url: "https://creativecommons.org/licenses/by-nc/4.0/",
    weights: "open",
    outputsMayTrain: true,
    conditions:
      "non-commercial use only: a business's student trained on these outputs may not be used commercially",
  },
  {
    id: "mrl",
    name: "Mistral AI Research License",
    url: "https://mistral.ai/licenses/MRL-0.1.md",
    weights: "open",
    outputsMayTrain: false,
    conditions: "research and non-production use only",
  },
];

const byId = new Map(facts.map((f) => [f.id, f]));
const aliases: Record<string, string> = {
  "apache 2.0": "apache-2.0",
  apache2: "apache-2.0",
  "llama-3.1": "llama3.1",
  "llama-3.2": "llama3.2",
  "llama-3.3": "llama3.3",
  "llama-3": "llama3",
  "llama-2": "llama2",
  "tongyi-qianwen": "qwen",
};

/** The facts for a licence id as found in GGUF metadata or typed by a person; undefined when unknown. */
export function findLicense(id: string | undefined | null): LicenseFacts | undefined {
  if (!id) return undefined;
  const key = id.trim().toLowerCase();
  return byId.get(aliases[key] ?? key);
}

export function knownLicenseIds(): string[] {
  return facts.map((f) => f.id);
}
