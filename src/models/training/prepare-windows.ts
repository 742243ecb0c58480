import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TrainingMessage } from "../../spec/distill.js";
import { TrainingError } from "../../spec/students.js";
import { packWindows, windowLength } from "./pack-windows.js";
import { renderConversations } from "./render-conversations.js";

export interface WindowFiles {
  trainWindows: string;
  validationWindows: string;
  trainMask: string;
  validationMask: string;
}

export interface PreparedWindows {
  /** Tokens a window: the context asked for, rounded up to a multiple of 256. */
  length: number;
  /** Writes the windows and masks into `dir` for the training process; returns their paths. */
  write(dir: string): Promise<WindowFiles>;
  windows: { train: number; validation: number };
  tokens: { train: number; validation: number };
  /** Labels the assistant-only loss counts, in all training windows. */
  assistantLabels: number;
  /** Conversations whose assistant turns could not be located (they count nothing under assistant-only loss). */
  unmaskable: number;
}

/**
 * Renders both splits with the base's chat template, packs them into windows
 * (training windows overlap by half, as llama.cpp's finetune does; validation
 * windows do not), with label masks marking the assistant's tokens.
 * Deterministic: the same input gives the same windows, so a resumed run
 * trains on exactly the same ones.
 *
 * Throws TrainingError(too_little_data) when a split renders to less than one
 * window, or (with `assistantOnly`) its windows hold none of the assistant's
 * tokens.
 */
export async function prepareWindows(options: {
  base: string;
  train: readonly (readonly TrainingMessage[])[];
  validation: readonly (readonly TrainingMessage[])[];
  contextLength: number;
  assistantOnly: boolean;
}): Promise<PreparedWindows> {
  const length = windowLength(options.contextLength);
  const [train, validation] = await Promise.all([
    renderConversations(options.base, options.train),
    renderConversations(options.base, options.validation),
  ]);
  const pack = (rendered: typeof train, stride: number) =>
    packWindows(
      rendered.map((r) => r.tokens),
      length,
      stride,
      rendered.map((r) => r.assistant),
    );
  const trainWindows = pack(train, length / 2);
  const validationWindows = pack(validation, length);
  for (const [what, packed] of [
    ["training", trainWindows],
    ["validation", validationWindows],
  ] as const) {
    if (packed.count === 0) {
      throw new TrainingError(
        "too_little_data",
        `the ${what} conversations render to ${packed.tokens} tokens, fewer than one ${length}-token window (+1)`,
        {
          hint: `Add ${what} rows, or lower --ctx (windows are --ctx rounded up to a multiple of 256; 256 is the least).`,
        },
      );
    }
    if (options.assistantOnly && packed.countedLabels === 0) {
      throw new TrainingError(
        "too_little_data",
        `the ${what} windows hold none of the assistant's tokens, so assistant-only loss has nothing to learn or measure`,
        {
          hint: "Check that the rows have assistant answers, or train on whole conversations (--loss whole).",
        },
      );
    }
  }
  const write = async (dir: string): Promise<WindowFiles> => {
    const files = {
      trainWindows: join(dir, "train.i32"),
      validationWindows: join(dir, "validation.i32"),
      trainMask: join(dir, "train.mask"),
      validationMask: join(dir, "validation.mask"),
    };
    await writeFile(files.trainWindows, int32Bytes(trainWindows.windows));
    await writeFile(files.validationWindows, int32Bytes(validationWindows.windows));
    await writeFile(files.trainMask, trainWindows.labelMask!);
    await writeFile(files.validationMask, validationWindows.labelMask!);
    return files;
  };
  return {
    length,
    write,
    windows: { train: trainWindows.count, validation: validationWindows.count },
    tokens: { train: trainWindows.tokens, validation: validationWindows.tokens },
    assistantLabels: trainWindows.countedLabels,
    unmaskable: [...train, ...validation].filter((r) => r.unstable).length,
  };
}

function int32Bytes(values: Int32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}
