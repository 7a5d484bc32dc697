/* global document, Node */
// Every piece of text reaches the page through textContent or attributes, never as HTML, so a
// rule name, a topic or a broker's error message cannot inject markup.

/** Creates an element: `h('td', { class: 'x', 'aria-label': 'y' }, 'text', child)`. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** The element with this id; throws when the page lacks it (a mistake in index.html). */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element;
}

/** Replaces an element's children. */
export function replaceChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** Calls `run` once input has been quiet for `ms`. */
export function debounce(run, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => run(...args), ms);
  };
}

/** A timestamp as the reader's locale shows it. */
export function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso ?? '') : date.toLocaleString();
}

/** Says `message` politely to screen readers and shows it in the status line. */
export function announce(message) {
  byId('status').textContent = message;
}
