// The record page's summary button (issue 18). On a phone style.css cuts a long summary to two
// lines, so that the document's text starts in the first screen; this button shows the rest and
// folds it again. Without scripts the summary is never cut (style.css asks for scripting).
const button = document.querySelector(".summary-more");
const summary = document.getElementById("record-summary");
if (button && summary) {
  button.addEventListener("click", () => {
    const open = summary.classList.toggle("open");
    button.setAttribute("aria-expanded", String(open));
    // The words come translated from the page (record.html's data attributes).
    button.textContent = open ? button.dataset.less : button.dataset.more;
  });
}
