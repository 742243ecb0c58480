/**
 * Answers as formatted text, built with DOM calls only (createElement,
 * textContent), never by parsing HTML: whatever an answer holds (a script
 * tag, an `onerror` attribute, a `javascript:` or `data:` link) stays text.
 * What is understood, from the Markdown subset answers use: paragraphs, line
 * breaks, `-`/`*`/`1.` lists, `#` headings (as bold lines), tables (rows of
 * `a | b`, with or without a `---` line), **bold**, *italics*, `code`, and
 * links (`[text](url)` and bare URLs). A link is made only to an http(s) URL
 * on one of `linkHosts` (or a subdomain), or to `mailto:`/`tel:`; any other
 * is shown as its text.
 */
export function renderAnswer(text, linkHosts) {
  const fragment = document.createDocumentFragment();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; ) {
    const line = lines[i];
    if (line.trim() === "") {
      i++;
    } else if (isTableRow(line) && isTableRow(lines[i + 1] ?? "")) {
      const rows = [];
      while (i < lines.length && isTableRow(lines[i])) rows.push(lines[i++]);
      fragment.appendChild(table(rows, linkHosts));
    } else if (listItem(line)) {
      const ordered = listItem(line).ordered;
      const list = document.createElement(ordered ? "ol" : "ul");
      while (i < lines.length && listItem(lines[i])?.ordered === ordered) {
        const item = document.createElement("li");
        appendInline(item, listItem(lines[i++]).text, linkHosts);
        list.appendChild(item);
      }
      fragment.appendChild(list);
    } else {
      const paragraph = document.createElement("p");
      const heading = /^#{1,6}\s+(.*)$/.exec(line);
      if (heading) {
        const strong = document.createElement("strong");
        appendInline(strong, heading[1], linkHosts);
        paragraph.appendChild(strong);
        i++;
      } else {
        let first = true;
        while (i < lines.length && isPlain(lines, i)) {
          if (!first) paragraph.appendChild(document.createElement("br"));
          appendInline(paragraph, lines[i++], linkHosts);
          first = false;
        }
      }
      fragment.appendChild(paragraph);
    }
  }
  return fragment;
}

/** A line that continues a paragraph: not blank, not a list item, heading or table. */
function isPlain(lines, i) {
  const line = lines[i];
  if (line.trim() === "" || listItem(line) || /^#{1,6}\s/.test(line)) return false;
  return !(isTableRow(line) && (isTableRow(lines[i + 1] ?? "") || isTableRow(lines[i - 1] ?? "")));
}

function listItem(line) {
  const bullet = /^\s*[-*•]\s+(.+)$/.exec(line);
  if (bullet) return { ordered: false, text: bullet[1] };
  const number = /^\s*\d{1,3}[.)]\s+(.+)$/.exec(line);
  return number ? { ordered: true, text: number[1] } : null;
}

function isTableRow(line) {
  return cells(line).length >= 2;
}

function isDivider(line) {
  return /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)+\|?\s*$/.test(line);
}

function cells(line) {
  if (!line.includes("|")) return [];
  return line
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split("|")
    .map((cell) => cell.trim());
}

/** The first row is the header (Markdown's, or the first line of a table read from a document). */
function table(rows, linkHosts) {
  const wrapper = document.createElement("div");
  wrapper.className = "table";
  const element = document.createElement("table");
  const body = document.createElement("tbody");
  let header = true;
  for (const row of rows) {
    if (isDivider(row)) continue;
    const tr = document.createElement("tr");
    for (const value of cells(row)) {
      const cell = document.createElement(header ? "th" : "td");
      if (header) cell.setAttribute("scope", "col");
      appendInline(cell, value, linkHosts);
      tr.appendChild(cell);
    }
    if (header) {
      const head = document.createElement("thead");
      head.appendChild(tr);
      element.appendChild(head);
    } else body.appendChild(tr);
    header = false;
  }
  element.appendChild(body);
  wrapper.appendChild(element);
  return wrapper;
}

/** `**bold**`, `*italics*`, `` `code` ``, `[text](url)`, bare URLs: everything else is text. */
const inline =
  /\*\*([^*\n]+)\*\*|(?<!\w)__([^_\n]+)__(?!\w)|(?<![\w*])\*([^*\n]+)\*(?!\w)|(?<!\w)_([^_\n]+)_(?!\w)|`([^`\n]+)`|\[([^\]\n]+)\]\(([^)\s]+)\)|((?:https?:\/\/|mailto:|tel:)[^\s<>()"']+)/g;

function appendInline(parent, text, linkHosts) {
  let last = 0;
  for (const match of text.matchAll(inline)) {
    parent.appendChild(document.createTextNode(text.slice(last, match.index)));
    last = match.index + match[0].length;
    const [, bold, bold2, italics, italics2, code, label, target, bare] = match;
    if (bold !== undefined || bold2 !== undefined) {
      const strong = document.createElement("strong");
      strong.textContent = bold ?? bold2;
      parent.appendChild(strong);
    } else if (italics !== undefined || italics2 !== undefined) {
      const em = document.createElement("em");
      em.textContent = italics ?? italics2;
      parent.appendChild(em);
    } else if (code !== undefined) {
      const element = document.createElement("code");
      element.textContent = code;
      parent.appendChild(element);
    } else if (label !== undefined) {
      parent.appendChild(link(label, target, linkHosts));
    } else {
      // A sentence's full stop or bracket is not part of the URL.
      const url = bare.replace(/[.,;:!?]+$/, "");
      parent.appendChild(link(url, url, linkHosts));
      parent.appendChild(document.createTextNode(bare.slice(url.length)));
    }
  }
  parent.appendChild(document.createTextNode(text.slice(last)));
}

function link(label, target, linkHosts) {
  const href = allowedHref(target, linkHosts);
  if (href === null) return document.createTextNode(label);
  const anchor = document.createElement("a");
  anchor.href = href;
  anchor.target = "_blank";
  anchor.rel = "noopener noreferrer nofollow";
  anchor.textContent = label;
  return anchor;
}

/** The URL as the browser reads it, when a link to it is allowed; null otherwise. */
export function allowedHref(target, linkHosts) {
  let url;
  try {
    url = new URL(target);
  } catch {
    return null; // Relative or malformed: an answer has no base to resolve it against.
  }
  if (url.protocol === "mailto:" || url.protocol === "tel:") return url.href;
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password) return null;
  // "evil.example." is the same host as "evil.example": the trailing dot is dropped before comparing, and an
  // empty allowed host (a page opened from a file has no host name) allows nothing.
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  return linkHosts.some((allowed) => allowed !== "" && (host === allowed || host.endsWith(`.${allowed}`)))
    ? url.href
    : null;
}

/**
 * A streamed answer's text before the server's own reading of it arrives:
 * without citation markers (`[S1]`) and without the line naming a source file
 * (`Fuente: horarios.md (Horarios) [S1]`). The stored answer, read back from
 * the server once the turn ends, replaces it (see `customerAnswerText`).
 */
export function cleanStreamedAnswer(text) {
  return text
    .split("\n")
    .filter((line) => !/^[^:\n]{1,30}:\s*\S+\.[A-Za-z0-9]{2,5}\b.*\[S\d+[^\]]*\]\s*$/.test(line.trim()))
    .map((line) => line.replace(/[ \t]*\[S\d+(?:\s*,\s*S?\d+)*\]/g, ""))
    .join("\n")
    .trim();
}
