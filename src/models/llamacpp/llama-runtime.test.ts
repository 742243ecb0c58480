import { describe, expect, it } from "vitest";
import { getLlamaRuntime } from "./llama-runtime.js";

describe("getLlamaRuntime", () => {
  it("starts one runtime per GPU setting and says which backend it chose", async () => {
    const [a, b] = await Promise.all([getLlamaRuntime({ gpu: false }), getLlamaRuntime({ gpu: false })]);
    expect(a).toBe(b);
    expect(a.backend).toMatchObject({ gpu: false, requested: false, gpuDevices: [] });
    expect(a.backend.cpuMathCores).toBeGreaterThan(0);
    expect(a.backend.fallbackReason).toBeUndefined();
  });

  it("falls back to the CPU, saying why, when the GPU backend asked for cannot start", async () => {
    const warnings: string[] = [];
    const { backend } = await getLlamaRuntime({ gpu: "vulkan", logger: { warn: (m) => warnings.push(m) } });
    if (backend.gpu === "vulkan") {
      // This machine has a working Vulkan device: nothing to fall back from.
      expect(backend.fallbackReason).toBeUndefined();
      return;
    }
    expect(backend.gpu).toBe(false);
    expect(backend.fallbackReason).toContain('GPU backend "vulkan" failed to start');
    expect(warnings).toEqual([expect.stringContaining("using the CPU instead")]);
  });
});
