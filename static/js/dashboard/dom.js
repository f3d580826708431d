/*
 * The two DOM helpers every panel uses. el() puts text on the page with
 * textContent only: whatever a feed, a chat message or a stored holding
 * holds is shown as characters, never parsed as markup.
 */
export const $ = (id) => document.getElementById(id);

/* A new <tag class="cls">text</tag>; no class or text when not given. */
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}
