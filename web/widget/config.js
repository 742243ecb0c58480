/** The accent colour when the page names none (or one the browser does not understand). */
const defaultColor = "#8a4b14";

/**
 * The widget's settings, from its script tag's `data-*` attributes:
 *
 *   data-agent     the agent's name (required)
 *   data-key       a `chat` API key (required): public by design, it can only open visitor sessions
 *   data-title     the panel's title (default: the agent's title)
 *   data-lang      its words, es or en (default: the page's language, else en)
 *   data-color     the accent colour, any CSS colour (default a bakery brown)
 *   data-position  right or left (default right)
 *   data-avatar    an http(s) image shown beside the title
 *   data-poll-ms   how often to look for a person's replies after a handoff (default 4000)
 *
 * Returns null, after saying why in the console, when a required one is missing.
 */
export function readConfig(script) {
  const data = script.dataset;
  if (!data.agent || !data.key) {
    console.error("alambique widget: data-agent and data-key are required");
    return null;
  }
  const language = (data.lang || document.documentElement.lang || "en").slice(0, 2).toLowerCase();
  return {
    agent: data.agent,
    key: data.key,
    base: new URL(script.src).origin,
    language: /^[a-z]{2}$/.test(language) ? language : "en",
    title: data.title || "",
    color: data.color && CSS.supports("color", data.color) ? data.color : defaultColor,
    position: data.position === "left" ? "left" : "right",
    avatar: imageUrl(data.avatar),
    pollMs: Number(data.pollMs) > 0 ? Number(data.pollMs) : 4000,
  };
}

/** An http(s) URL (relative to the page), or null: never `javascript:` or `data:`. */
function imageUrl(value) {
  if (!value) return null;
  try {
    const url = new URL(value, location.href);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}
