import type { CheckResult } from "../doctor-check.js";
import { errorText } from "../doctor-check.js";

/**
 * node-llama-cpp's native binding loads, and which GPU backend it uses — the
 * same runtime the embedded provider runs models on. It never builds
 * llama.cpp from source (which needs the internet); it reports what the
 * installed prebuilt binaries can do.
 */
export async function checkLlama(): Promise<CheckResult[]> {
  try {
    const { getLlamaGpuTypes } = await import("node-llama-cpp");
    const { getLlamaRuntime } = await import("../../models/llamacpp/llama-runtime.js");
    const supported = (await getLlamaGpuTypes("supported")).filter((t) => t !== false);
    const { backend } = await getLlamaRuntime({ logger: { warn: () => {} } });
    const results: CheckResult[] = [
      {
        id: "node-llama-cpp",
        title: "node-llama-cpp",
        status: "ok",
        detail: `llama.cpp ${backend.llamaCppRelease}, ${backend.buildType} binary, ${backend.cpuMathCores} CPU math cores`,
      },
    ];
    if (backend.gpu === false) {
      results.push({
        id: "gpu",
        title: "GPU backend",
        status: "warn",
        detail:
          backend.fallbackReason ??
          (supported.length > 0
            ? `found ${supported.join(", ")} libraries but could not use them; running on the CPU`
            : "none found (CUDA, Vulkan, Metal); models run on the CPU"),
        fix: "fine for small models; for large ones install your GPU's driver (CUDA or Vulkan) and run doctor again, or serve the model with vLLM and add it by --url",
      });
    } else {
      results.push({
        id: "gpu",
        title: "GPU backend",
        status: "ok",
        detail: `${backend.gpu}: ${backend.gpuDevices.join(", ") || "device"}`,
      });
    }
    return results;
  } catch (error) {
    return [
      {
        id: "node-llama-cpp",
        title: "node-llama-cpp",
        status: "fail",
        detail: errorText(error),
        fix: "reinstall with `npm install`: node-llama-cpp ships prebuilt binaries for linux, macOS and Windows (x64, arm64)",
      },
    ];
  }
}
