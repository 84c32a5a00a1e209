// On a record page opened from a search result (?highlight=word word…): mark the words of the
// record that begin with a query word (compared without case and diacritics, as search does) in
// <mark class="search-hit"> and bring the first one in the text into view. Only text nodes are
// touched: the record's markup is never rebuilt.

// As search-words.js folds words (not imported: one request less on every record page).
const fold = (word) => word.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");

const wanted = (new URLSearchParams(location.search).get("highlight") || "")
  .split(/\s+/).map(fold).filter((w) => w.length > 1);

function mark(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement.closest("script, style, mark, .search-fields, [hidden]")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  const marks = [];
  for (const node of nodes) {
    const text = node.textContent;
    const parts = [];
    let last = 0;
    for (const m of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
      const word = fold(m[0]);
      if (!wanted.some((w) => word.startsWith(w))) continue;
      parts.push(document.createTextNode(text.slice(last, m.index)));
      const hit = document.createElement("mark");
      hit.className = "search-hit";
      hit.textContent = m[0];
      parts.push(hit);
      marks.push(hit);
      last = m.index + m[0].length;
    }
    if (!parts.length) continue;
    parts.push(document.createTextNode(text.slice(last)));
    node.replaceWith(...parts);
  }
  return marks;
}

if (wanted.length) {
  const record = document.querySelector("article.record");
  if (record) {
    const marks = mark(record);
    const first = marks.find((m) => m.closest(".transcription")) || marks[0];
    if (first) first.scrollIntoView({ block: "center" });
  }
}
