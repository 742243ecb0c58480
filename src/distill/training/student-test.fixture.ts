/**
 * Test fixture: a data folder with a forged F32 tiny base in the catalog
 * (`tiny-base`, Apache-2.0) and, in its store, the demo bakery's FAQ (real
 * text the project ships, hand-written) as the frozen dataset `bakery-faq@1`
 * (every fifth conversation held out for validation) and the same rows
 * unfrozen as `unfrozen@1`. Training is always measured on this real text,
 * never on a forged teacher's output.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../cli/run-cli.fixture.js";
import { forgeModel } from "../../models/forge/forge-model.js";
import { bakeryConversations } from "../../models/training/bakery-conversations.fixture.js";
import type { Split, SynthRow } from "../../spec/distill.js";
import { defaultTenant } from "../../store/default-tenant.js";
import { openStore } from "../../store/open-store.js";
import { datasetContentHash } from "../datasets/content-hash.js";

export interface StudentData {
  data: string;
  base: string;
  storeFile: string;
  cli: (...argv: string[]) => ReturnType<typeof runCli>;
}

function row(index: number, lang: string, messages: SynthRow["messages"]): SynthRow {
  return {
    key: `faq-${index}`,
    messages,
    intent: "faq",
    provenance: { kind: "real", chunkIds: [], language: lang, evolved: 0, teacher: "hand-written", seed: 0 },
    judgement: null,
    dropped: null,
    dropDetail: null,
    usage: { inputTokens: 0, outputTokens: 0 },
  };
}

export async function studentData(
  teacher = { name: "hand-written", licenseId: "apache-2.0" },
): Promise<StudentData> {
  const data = mkdtempSync(join(tmpdir(), "alq-students-"));
  const base = (await forgeModel({ out: join(data, "tiny.gguf"), preset: "tiny" })).path;
  const storeFile = join(data, "alambique.db");
  const store = await openStore(storeFile);
  try {
    const tenant = await defaultTenant(store);
    const rows = bakeryConversations().map((c, i) => ({
      split: (i % 5 === 4 ? "validation" : "train") as Split,
      row: row(i, c.lang, c.messages),
    }));
    const card = {
      agent: "la-espiga",
      teacher,
      judge: null,
      filters: {},
      counts: {
        train: rows.filter((r) => r.split === "train").length,
        validation: rows.filter((r) => r.split === "validation").length,
        test: 0,
        dropped: {},
      },
      languages: ["es", "en"],
      contentHash: datasetContentHash(rows),
    };
    const made = await store.datasets.create({ tenantId: tenant.id, name: "bakery-faq", card, rows });
    await store.datasets.create({ tenantId: tenant.id, name: "unfrozen", card, rows });
    await store.datasets.freeze(tenant.id, made.id);
  } finally {
    await store.close();
  }
  const cli = (...argv: string[]) => runCli([...argv, "--data", data], {});
  const added = await cli("models", "add", "tiny-base", "--gguf", base);
  if (added.code !== 0) throw new Error(added.stderr);
  return { data, base, storeFile, cli };
}
