// Building page elements. Everything that comes from data is inserted as
// text, never parsed as HTML, so a name such as "<img onerror=...>" shows
// as those characters and runs nothing.

// el creates an element with attributes and children. Attribute values are
// set with setAttribute (true means present, false/null/undefined absent).
// Children may be nodes, strings (added as text), arrays or null (skipped).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    setAttr(node, name, value);
  }
  append(node, ...children);
  return node;
}

// setAttr sets one attribute. Event handler and style attributes are refused:
// the page's Content-Security-Policy forbids them, and handlers are added
// with addEventListener instead.
export function setAttr(node, name, value) {
  if (/^on/i.test(name) || name.toLowerCase() === 'style') {
    throw new Error(`attribute ${name} is not allowed`);
  }
  if (value === false || value === null || value === undefined) {
    node.removeAttribute(name);
    return;
  }
  node.setAttribute(name, value === true ? '' : String(value));
}

// append adds children to node: strings and numbers as text nodes.
export function append(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// replace empties node and fills it with children.
export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, ...children);
}

// on adds an event listener and returns the node, for chaining.
export function on(node, event, handler) {
  node.addEventListener(event, handler);
  return node;
}

// uniqueId returns an element id not yet used on the page, for pairing
// labels and messages with their inputs.
let idCounter = 0;
export function uniqueId(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
