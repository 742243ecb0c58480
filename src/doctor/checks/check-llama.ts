import type { CheckResult } from "../doctor-check.js";
import { errorText } from "../doctor-check.js";

/**
 * node-llama-cpp's native binding loads, and which GPU backend it would use.
 * `build: "never"`: doctor must not start a source build (which needs the
 * internet); it reports what the installed prebuilt binaries can do.
 */
export async function checkLlama(): Promise<CheckResult[]> {
  let llamaCpp: typeof import("node-llama-cpp");
  try {
    llamaCpp = await import("node-llama-cpp");
  } catch (error) {
    return [
      {
        id: "node-llama-cpp",
        title: "node-llama-cpp",
        status: "fail",
        detail: errorText(error),
        fix: "reinstall with `npm install`: node-llama-cpp ships prebuilt binaries for linux, macOS and Windows",
      },
    ];
  }
  try {
    const supported = (await llamaCpp.getLlamaGpuTypes("supported")).filter((t) => t !== false);
    const llama = await llamaCpp.getLlama({
      gpu: "auto",
      build: "never",
      logLevel: llamaCpp.LlamaLogLevel.error,
    });
    const release = llama.llamaCppRelease.release;
    const results: CheckResult[] = [
      {
        id: "node-llama-cpp",
        title: "node-llama-cpp",
        status: "ok",
        detail: `llama.cpp ${release}, ${llama.buildType} binary, ${llama.cpuMathCores} CPU math cores`,
      },
    ];
    if (llama.gpu === false) {
      results.push({
        id: "gpu",
        title: "GPU backend",
        status: "warn",
        detail:
          supported.length > 0
            ? `found ${supported.join(", ")} libraries but could not use them; running on the CPU`
            : "none found (CUDA, Vulkan, Metal); models run on the CPU",
        fix: "fine for small models; for large ones install your GPU's driver (CUDA or Vulkan) and run doctor again, or serve the model with vLLM and add it by --url",
      });
    } else {
      const vram = await llama.getVramState();
      results.push({
        id: "gpu",
        title: "GPU backend",
        status: "ok",
        detail: `${llama.gpu}: ${(await llama.getGpuDeviceNames()).join(", ")}, ${(vram.free / 2 ** 30).toFixed(1)} of ${(vram.total / 2 ** 30).toFixed(1)} GiB free`,
      });
    }
    await llama.dispose();
    return results;
  } catch (error) {
    return [
      {
        id: "node-llama-cpp",
        title: "node-llama-cpp",
        status: "fail",
        detail: errorText(error),
        fix: "run `npx --no node-llama-cpp inspect gpu` for details; reinstalling with `npm install` restores the prebuilt binaries",
      },
    ];
  }
}
