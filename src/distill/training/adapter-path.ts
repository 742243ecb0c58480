/**
 * Where an adapter student's adapter goes, beside where its model would:
 * `NAME.gguf` → `NAME.lora.gguf`. Its own module so that naming checks on
 * `serve`'s path do not load the adapter import's GGUF reader (node-llama-cpp).
 */
export function adapterPath(out: string): string {
  return out.replace(/(\.gguf)?$/, ".lora.gguf");
}
