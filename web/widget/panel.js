import { icon } from "./icons.js";
import { widgetStyles } from "./styles.js";

/**
 * The widget's elements, in a shadow root on `host`: the launcher (an SVG
 * chat icon) and the panel, a modal dialog with a header (avatar, title, a
 * close button), the handoff status line, the conversation log and the form.
 * Everything the page configures is set as text or attributes, never as HTML.
 */
export function createPanel(host, config, words) {
  const root = host.attachShadow({ mode: "open" });
  host.style.setProperty("--alq-accent", config.color);
  host.style.setProperty("--alq-on-accent", readableOn(root, config.color));
  const style = document.createElement("style");
  style.textContent = widgetStyles;
  const frame = element("div", config.position === "left" ? "frame left" : "frame");

  const panel = element("section", "panel");
  panel.id = "alambique-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-modal", "true");
  panel.setAttribute("aria-labelledby", "alambique-title");
  const header = element("header");
  const avatar = element("img", "avatar");
  avatar.alt = "";
  avatar.hidden = true;
  // Shown once it loads: a broken image shows nothing rather than a broken-image icon.
  avatar.addEventListener("load", () => {
    avatar.hidden = false;
  });
  if (config.avatar) avatar.src = config.avatar;
  const title = element("h2");
  title.id = "alambique-title";
  title.textContent = config.title || config.agent;
  const close = element("button", "close");
  close.type = "button";
  close.setAttribute("aria-label", words.close);
  close.appendChild(icon("close"));
  header.append(avatar, title, close);

  const status = element("div", "status");
  status.setAttribute("role", "status");
  const statusText = element("span");
  status.append(icon("person"), statusText);

  const log = element("div", "log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-labelledby", "alambique-title");

  const form = element("form");
  const input = element("textarea");
  input.rows = 1;
  input.required = true;
  input.maxLength = 4000;
  input.placeholder = words.placeholder;
  input.setAttribute("aria-label", words.placeholder);
  const send = element("button", "send");
  send.type = "submit";
  send.setAttribute("aria-label", words.send);
  send.appendChild(icon("send"));
  form.append(input, send);
  panel.append(header, status, log, form);

  const launcher = element("button", "launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", panel.id);
  launcher.setAttribute("aria-label", words.open);
  launcher.appendChild(icon("chat"));
  // The launcher after the panel: on a phone the open panel covers it (see styles.js).
  frame.append(panel, launcher);
  root.append(style, frame);
  return { root, panel, title, close, status, statusText, log, form, input, send, launcher };
}

function element(name, className) {
  const made = document.createElement(name);
  if (className) made.className = className;
  return made;
}

/** White or near-black, whichever reads better on `color` (as the browser computes it). */
function readableOn(root, color) {
  const probe = element("span");
  probe.style.color = color;
  root.appendChild(probe);
  const [r, g, b] = (getComputedStyle(probe).color.match(/[\d.]+/g) || [0, 0, 0]).map(Number);
  probe.remove();
  const luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  return luminance > 0.6 ? "#1f1f1f" : "#fff";
}
